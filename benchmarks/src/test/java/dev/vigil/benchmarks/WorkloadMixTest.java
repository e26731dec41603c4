package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkloadMixTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private final List<String> corpus = BenchmarkCorpus.events();

  @Test
  void ordinaryIsReadsOfEightKindsInFiveNamespacesByAtMost300PrincipalsWithAboutOnePercentCorpus()
      throws IOException {
    EventMix mix = EventMix.of(Workload.ORDINARY, corpus, 0.01, 3, new AtomicLong());
    Set<String> users = new HashSet<>();
    Set<String> namespaces = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    int fromCorpus = 0;
    for (int b = 0; b < 10; b++) {
      for (String event : mix.batch(LoadGenerator.BATCH, NOW)) {
        if (isCorpusEvent(event)) {
          fromCorpus++;
          continue;
        }
        AuditEvent e = Json.mapper().readValue(event, AuditEvent.class);
        assertTrue(Set.of("get", "list", "watch").contains(e.verb()), e.verb());
        users.add(e.username());
        kinds.add(e.resource());
        if (e.namespace() != null) {
          namespaces.add(e.namespace());
        }
      }
    }
    assertEquals(8, kinds.size());
    assertEquals(5, namespaces.size());
    assertTrue(users.size() > 200 && users.size() <= EventMix.ORDINARY_PRINCIPALS, "users " + users.size());
    assertTrue(fromCorpus > 15 && fromCorpus < 70, "corpus events of 4,000: " + fromCorpus);
  }

  @Test
  void churnGivesEveryEventAPrincipalNeverSeenBeforeAcrossSenders() throws IOException {
    AtomicLong shared = new AtomicLong();
    EventMix first = EventMix.of(Workload.CHURN, corpus, 0.01, 1, shared);
    EventMix second = EventMix.of(Workload.CHURN, corpus, 0.01, 2, shared);
    assertTrue(first.needsFreshBatches());
    Set<String> users = new HashSet<>();
    int events = 0;
    int systemUsersOfCorpus = 0;
    for (int b = 0; b < 2; b++) {
      for (EventMix mix : List.of(first, second)) {
        for (String event : mix.batch(LoadGenerator.BATCH, NOW)) {
          String user = Json.mapper().readValue(event, AuditEvent.class).username();
          events++;
          if (!user.startsWith("system:serviceaccount:churn-")) {
            // a corpus event of a system: user (node, controller), kept for its detectors
            assertTrue(user.startsWith("system:"), user);
            systemUsersOfCorpus++;
            continue;
          }
          assertTrue(users.add(user), "principal used twice: " + user);
        }
      }
    }
    assertEquals(events - systemUsersOfCorpus, users.size());
    assertTrue(systemUsersOfCorpus < events / 50, "system users " + systemUsersOfCorpus);
  }

  @Test
  void stormIsEveryEventFromTheCorpusWithItsHumanUsersSpreadOver50Principals() throws IOException {
    List<JsonNode> withoutAuditIds = new ArrayList<>();
    Set<String> corpusSystemUsers = new HashSet<>();
    for (String line : corpus) {
      JsonNode node = Json.mapper().readTree(line);
      String user = node.path("user").path("username").asText("");
      if (user.startsWith("system:")) {
        corpusSystemUsers.add(user);
      }
      ((ObjectNode) node).remove("auditID");
      withoutAuditIds.add(node);
    }
    EventMix mix = EventMix.of(Workload.STORM, corpus, 0.01, 5, new AtomicLong());
    assertTrue(mix.needsFreshBatches(), "every storm event needs an audit ID of its own");
    Set<String> humans = new HashSet<>();
    Set<String> auditIds = new HashSet<>();
    for (int b = 0; b < 3; b++) {
      for (String event : mix.batch(LoadGenerator.BATCH, NOW)) {
        ObjectNode sent = (ObjectNode) Json.mapper().readTree(event);
        String user = sent.path("user").path("username").textValue();
        assertTrue(auditIds.add(sent.remove("auditID").textValue()), "audit ID sent twice: " + event);
        List<JsonNode> candidates = withoutAuditIds;
        // The event is a corpus event, its user and audit ID aside.
        ((ObjectNode) sent.get("user")).remove("username");
        boolean matches = false;
        for (JsonNode original : candidates) {
          ObjectNode copy = original.deepCopy();
          String originalUser = copy.path("user").path("username").textValue();
          ((ObjectNode) copy.get("user")).remove("username");
          if (copy.equals(sent)) {
            if (originalUser.startsWith("system:")) {
              // system: users are kept: detectors depend on exactly those names
              matches |= originalUser.equals(user);
            } else {
              matches = true;
              if (!corpusSystemUsers.contains(user)) {
                humans.add(user);
              }
            }
          }
        }
        assertTrue(matches, "differs from its corpus event beyond the user: " + event);
      }
    }
    assertTrue(humans.size() > 40 && humans.size() <= EventMix.STORM_PRINCIPALS, "principals " + humans.size());
  }

  /** A corpus event as the mix sends it: the corpus line with an audit ID of its own. */
  private boolean isCorpusEvent(String event) {
    return corpus.stream()
        .anyMatch(line -> EventMix.withAuditId(line, "x").equals(EventMix.withAuditId(event, "x")));
  }

  @Test
  void noisyNeighbourFloodsWithOneTokenOnEveryConnectionAndTheQuietClusterHasAnother()
      throws Exception {
    AtomicLong n = new AtomicLong();
    LoadGenerator.Registrar registrar =
        prefix -> new LoadGenerator.Cluster(prefix + "-" + n.get(), "token-" + n.getAndIncrement());
    LoadGenerator.ClusterPlan noisy =
        LoadGenerator.ClusterPlan.of(Workload.NOISY_NEIGHBOUR, 4, registrar);
    assertEquals(1, noisy.senders().size(), "every connection sends as the one flooding cluster");
    assertNotEquals(noisy.senders().get(0).token(), noisy.quiet().token());
    assertTrue(noisy.quiet().name().startsWith("quiet-"));

    LoadGenerator.ClusterPlan ordinary = LoadGenerator.ClusterPlan.of(Workload.ORDINARY, 4, registrar);
    assertEquals(4, ordinary.senders().stream().map(LoadGenerator.Cluster::token).distinct().count());
    assertEquals(null, ordinary.quiet());
  }

  @Test
  void theQuietClustersRequestIsSimulatesTestRequestWithItsOwnAuditIdAndTime() throws IOException {
    AuditEvent e = Json.mapper().readValue(
        EventMix.testAlertRequest("quiet-1", NOW), AuditEvent.class);
    assertEquals("list", e.verb());
    assertEquals("pods", e.resource());
    assertEquals("asc-alerttest-662jfi039n", e.namespace());
    assertEquals("quiet-1", e.auditID());
    assertEquals(NOW, e.stageTimestamp());
  }
}
