package dev.vigil.detection.stateful;

import static dev.vigil.detection.stateful.StatefulHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detection.stateful.StatefulHarness.Event;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceBaselineAndThreatIntelTest {

  private static final String SEQUENCE = "VIGIL_RbacThenWorkload";
  private static final String SA = "K8S_ServiceAccountRareOperation";
  private static final String SECRET = "K8S_AnomalousSecretAccess";
  private static final String KUBE_SYSTEM = "K8S_KubeSystemContainer";
  private static final String TI = ThreatIntelRule.ALERT_TYPE;
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration LEARNING = Duration.ofHours(1);

  @TempDir Path dir;

  StatefulHarness harness(StatefulConfig config) {
    return new StatefulHarness(dir.resolve("state"), config);
  }

  StatefulHarness learningOneHour() {
    return harness(StatefulConfig.defaults().withBaseline(LEARNING, Duration.ofDays(30)));
  }

  static Event grant(String user, long second) {
    return event(user, "create", "rolebindings").ns("prod").name("edit-" + second)
        .group("rbac.authorization.k8s.io").atSecond(second);
  }

  static Event exec(String user, long second) {
    return event(user, "create", "pods").ns("prod").name("api-0").subresource("exec").code(101)
        .stage("ResponseStarted").atSecond(second);
  }

  static Event podIn(String namespace, String user, String container, String image, long second) {
    ObjectNode pod = Json.mapper().createObjectNode();
    pod.put("kind", "Pod").put("apiVersion", "v1").putObject("metadata").put("name", container + "-pod");
    pod.putObject("spec").putArray("containers").addObject().put("name", container).put("image", image);
    return event(user, "create", "pods").ns(namespace).code(201).request(pod).atSecond(second);
  }

  @Test
  void anRbacGrantFollowedByAnExecWithinFiveMinutesFiresOnceAndAtOnce() {
    try (StatefulHarness h = harness(StatefulConfig.defaults())) {
      Event grant = grant("mallory", 0);
      Event exec = exec("mallory", 120);
      h.send(grant);
      h.send(exec);
      List<Finding> findings = h.findings(SEQUENCE);
      assertThat(findings).singleElement().satisfies(f -> {
        SchemaAssertions.assertValid(SchemaAssertions.FINDING, f);
        assertThat(f.compromisedEntity()).isEqualTo("mallory");
        assertThat(f.auditIds()).containsExactly(grant.auditId(), exec.auditId());
        assertThat(f.extendedProperties()).containsEntry("secondsBetween", "120")
            .containsEntry("within", "PT5M")
            .containsEntry("rbacChange", "create rolebindings prod/edit-0")
            .containsEntry("followedBy", "create pods/exec prod/api-0");
        assertThat(f.severity()).isEqualTo(Severity.High);
      });
      h.advanceWallClock(Duration.ofMinutes(10));
      assertThat(h.findings()).isEmpty();
    }
  }

  @Test
  void theSequenceStaysQuietWhenTooLateByAnotherUserOrInTheOtherOrder() {
    try (StatefulHarness h = harness(StatefulConfig.defaults())) {
      h.send(grant("alice", 0));
      h.send(exec("alice", 301)); // 5 min 1 s later
      h.send(grant("bob", 0));
      h.send(exec("carol", 10));
      h.send(exec("dave", 0)); // workload before the grant
      h.send(grant("dave", 10));
      h.send(event("erin", "get", "rolebindings").ns("prod").atSecond(0));
      h.send(exec("erin", 5));
      h.advanceWallClock(TICK);
      assertThat(h.findings(SEQUENCE)).isEmpty();
    }
  }

  @Test
  void aGrantArrivingLateButWithinGraceStillCompletesTheSequence() {
    try (StatefulHarness h = harness(StatefulConfig.defaults())) {
      ObjectNode deployment = Json.mapper().createObjectNode();
      deployment.putObject("metadata").put("name", "miner");
      h.send(event("mallory", "create", "deployments").ns("prod").group("apps").code(201)
          .request(deployment).atSecond(60));
      h.send(grant("mallory", 30)); // arrives after the workload, happened before it
      assertThat(h.findings(SEQUENCE)).singleElement().satisfies(f ->
          assertThat(f.extendedProperties()).containsEntry("followedBy", "create deployments prod/miner"));
    }
  }

  @Test
  void aServiceAccountOperationOutsideItsLearnedBaselineFiresOnceQuietWhileLearning() {
    String sa = "system:serviceaccount:prod:api";
    try (StatefulHarness h = learningOneHour()) {
      h.send(event(sa, "get", "configmaps").ns("prod").atSecond(0));
      h.send(event(sa, "list", "pods").ns("prod").atSecond(60));
      h.send(event(sa, "get", "configmaps").ns("prod").atSecond(3600 + 10));
      h.send(event(sa, "list", "pods").ns("prod").atSecond(3600 + 20));
      assertThat(h.findings(SA)).as("learned, or seen during learning").isEmpty();

      h.send(event(sa, "create", "pods").ns("prod").subresource("exec").code(101)
          .stage("ResponseStarted").atSecond(3600 + 30));
      h.send(event(sa, "create", "pods").ns("prod").subresource("exec").code(101)
          .stage("ResponseStarted").atSecond(3600 + 40));
      h.send(event(sa, "list", "secrets").ns("kube-system").atSecond(3600 + 50));
      List<Finding> findings = h.findings(SA);
      assertThat(findings).extracting(f -> f.extendedProperties().get("operation"))
          .containsExactly("create pods/exec in (own namespace)", "list secrets in kube-system");
      assertThat(findings.get(0).compromisedEntity()).isEqualTo(sa);
      findings.forEach(f -> SchemaAssertions.assertValid(SchemaAssertions.FINDING, f));

      h.send(event("alice@example.com", "create", "pods").ns("prod").atSecond(3600 + 60));
      h.advanceWallClock(Duration.ofMinutes(20));
      assertThat(h.findings(SA)).as("people are not service accounts").isEmpty();
    }
  }

  @Test
  void learningPeriodZeroAlertsOnTheFirstSighting() {
    try (StatefulHarness h = harness(StatefulConfig.defaults().withBaselineLearning(Duration.ZERO))) {
      h.send(event("system:serviceaccount:prod:api", "get", "configmaps").ns("prod").atSecond(0));
      h.send(event("system:serviceaccount:prod:api", "get", "configmaps").ns("prod").atSecond(1));
      assertThat(h.findings(SA)).hasSize(1);
    }
  }

  @Test
  void anEntryForgottenAfterTheTtlIsNewAgain() {
    StatefulConfig config = StatefulConfig.defaults().withBaseline(Duration.ofMinutes(1), Duration.ofHours(2));
    try (StatefulHarness h = harness(config)) {
      String sa = "system:serviceaccount:prod:api";
      h.send(event(sa, "get", "configmaps").ns("prod").atSecond(0));
      h.send(event(sa, "list", "pods").ns("prod").atSecond(120));
      assertThat(h.findings(SA)).hasSize(1);
      // configmaps unseen for 3 h > TTL 2 h: forgotten; pods seen 2 h ago, still known... by 1 s
      h.send(event(sa, "list", "pods").ns("prod").atSecond(120 + 3600 * 2 - 1));
      h.send(event(sa, "get", "configmaps").ns("prod").atSecond(3 * 3600));
      assertThat(h.findings(SA)).singleElement().satisfies(f ->
          assertThat(f.extendedProperties()).containsEntry("operation", "get configmaps in (own namespace)"));
    }
  }

  @Test
  void readingSecretsInANewNamespaceFiresAndAScriptingUserAgentRaisesTheSeverity() {
    try (StatefulHarness h = learningOneHour()) {
      h.send(event("alice@example.com", "get", "secrets").ns("team-a").name("db").atSecond(0));
      h.send(event("ci-bot", "get", "secrets").ns("team-a").name("db").atSecond(0));
      h.send(event("alice@example.com", "get", "secrets").ns("team-a").name("other").atSecond(7200));
      assertThat(h.findings(SECRET)).isEmpty();

      h.send(event("alice@example.com", "get", "secrets").ns("payments").name("stripe").atSecond(7210));
      h.send(event("ci-bot", "list", "secrets").ns("payments").agent("curl/8.5.0").atSecond(7220));
      h.send(event("system:kube-controller-manager", "get", "secrets").ns("payments").atSecond(0));
      h.send(event("system:kube-controller-manager", "get", "secrets").ns("billing").atSecond(7230));
      h.send(event("alice@example.com", "get", "secrets").ns("payments").name("again").atSecond(7240));
      List<Finding> findings = h.findings(SECRET);
      assertThat(findings).hasSize(2);
      assertThat(findings.get(0).severity()).isEqualTo(Severity.Medium);
      assertThat(findings.get(0).compromisedEntity()).isEqualTo("alice@example.com");
      assertThat(findings.get(0).extendedProperties()).containsEntry("newNamespace", "payments");
      assertThat(findings.get(1).severity()).isEqualTo(Severity.High);
      assertThat(findings.get(1).extendedProperties()).containsEntry("scriptingUserAgent", "true");
    }
  }

  @Test
  void aNewContainerInKubeSystemFiresAfterLearningAcrossPrincipalsOfTheCluster() {
    try (StatefulHarness h = learningOneHour()) {
      h.send(podIn("kube-system", "system:serviceaccount:kube-system:daemon-set-controller",
          "kube-proxy", "registry.k8s.io/kube-proxy:v1.30.2", 0));
      h.send(podIn("kube-system", "system:serviceaccount:kube-system:replicaset-controller",
          "coredns", "registry.k8s.io/coredns/coredns:v1.11.1", 10));
      // After learning: a new tag of a known image and name is not new; another user is the same cluster.
      h.send(podIn("kube-system", "admin@example.com", "kube-proxy",
          "registry.k8s.io/kube-proxy:v1.31.0@sha256:abc", 7200));
      h.send(podIn("prod", "admin@example.com", "miner", "evil.example/xmrig:latest", 7210));
      assertThat(h.findings(KUBE_SYSTEM)).isEmpty();

      h.send(podIn("kube-system", "mallory", "kube-proxy-helper", "evil.example/xmrig:latest", 7220));
      h.send("other-cluster", podIn("kube-system", "mallory", "coredns",
          "registry.k8s.io/coredns/coredns:v1.11.1", 7230));
      List<Finding> findings = h.findings(KUBE_SYSTEM);
      assertThat(findings).singleElement().satisfies(f -> {
        SchemaAssertions.assertValid(SchemaAssertions.FINDING, f);
        assertThat(f.cluster()).isEqualTo(StatefulHarness.CLUSTER);
        assertThat(f.compromisedEntity()).isEqualTo("kube-system/Pod/kube-proxy-helper-pod");
        assertThat(f.extendedProperties())
            .containsEntry("newContainers", "kube-proxy-helper@evil.example/xmrig");
      });
    }
  }

  @Test
  void requestsFromListedAddressesFireIpv4AndIpv6AndTheListReloadsWhenTheFileChanges()
      throws Exception {
    Path list = dir.resolve("tor-exits.txt");
    Files.writeString(list, "# Tor exit nodes\n185.220.101.0/24\n2001:db8:dead::/48  # v6\n");
    StatefulConfig config = StatefulConfig.defaults().withThreatIntelFiles(List.of(list))
        .withThreatIntelRecheck(Duration.ofSeconds(10));
    try (StatefulHarness h = harness(config)) {
      h.send(event("alice", "get", "pods").ns("prod").ips("10.0.0.1", "185.220.101.77").atSecond(0));
      h.send(event("bob", "get", "pods").ns("prod").ips("2001:db8:dead:1::5").code(403).atSecond(1));
      h.send(event("carol", "get", "pods").ns("prod").ips("185.220.102.1", "2001:db8:beef::1")
          .atSecond(2));
      List<Finding> findings = h.findings(TI);
      assertThat(findings).extracting(Finding::compromisedEntity).containsExactly("alice", "bob");
      assertThat(findings.get(0).extendedProperties())
          .containsEntry("matchedIp", "185.220.101.77").containsEntry("matchedNetwork", "185.220.101.0/24");
      findings.forEach(f -> SchemaAssertions.assertValid(SchemaAssertions.FINDING, f));

      Files.writeString(list, "185.220.102.0/24\n");
      Files.setLastModifiedTime(list, FileTime.from(Instant.now().plusSeconds(5)));
      h.advanceWallClock(Duration.ofSeconds(10));
      h.send(event("carol", "get", "pods").ns("prod").ips("185.220.102.1").atSecond(3));
      h.send(event("alice", "get", "pods").ns("prod").ips("185.220.101.77").atSecond(4));
      assertThat(h.findings(TI)).extracting(Finding::compromisedEntity).containsExactly("carol");

      Files.writeString(list, "not-an-address\n");
      Files.setLastModifiedTime(list, FileTime.from(Instant.now().plusSeconds(10)));
      h.advanceWallClock(Duration.ofSeconds(10));
      h.send(event("carol", "get", "pods").ns("prod").ips("185.220.102.1").atSecond(5));
      assertThat(h.findings(TI)).as("a broken file keeps the previous list").hasSize(1);
    }
  }

  @Test
  void aBadThreatIntelFileFailsAtStartupNamingTheLine() throws Exception {
    Path list = Files.writeString(dir.resolve("bad.txt"), "10.0.0.0/8\n10.0.0.0/33\n");
    StatefulConfig config = StatefulConfig.defaults().withThreatIntelFiles(List.of(list));
    assertThatThrownBy(() -> harness(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.txt line 2")
        .hasMessageContaining("prefix length outside 0-32");
  }
}
