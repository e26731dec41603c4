package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.spi.Detector;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/audit-policy.yaml} records what every built-in detector reads: each detector's firing
 * evidence, cut down to the level the policy sets for it, still fires; every (verb, resource) a
 * detector is interested in is recorded; secrets never above Metadata.
 */
class AuditPolicyTest {
  private static final Map<String, String> GROUPS = Map.ofEntries(
      Map.entry("deployments", "apps"), Map.entry("daemonsets", "apps"), Map.entry("statefulsets", "apps"),
      Map.entry("replicasets", "apps"), Map.entry("jobs", "batch"), Map.entry("cronjobs", "batch"),
      Map.entry("roles", "rbac.authorization.k8s.io"), Map.entry("rolebindings", "rbac.authorization.k8s.io"),
      Map.entry("clusterroles", "rbac.authorization.k8s.io"),
      Map.entry("clusterrolebindings", "rbac.authorization.k8s.io"));

  private static Path root;
  private static AuditPolicy policy;
  private static DetectorCatalogue catalogue;

  @BeforeAll
  static void load() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("deploy/audit-policy.yaml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("deploy/audit-policy.yaml above the working directory").isNotNull();
    root = dir;
    policy = AuditPolicy.load(root.resolve("deploy/audit-policy.yaml"));
    catalogue = DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));
  }

  private static List<Path> firingFixtures(String alertType) throws IOException {
    Path dir = root.resolve("detection/src/test/resources/fixtures").resolve(alertType);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("fires-")).sorted().collect(Collectors.toList());
    }
  }

  private static boolean fires(Detector detector, JsonNode event) throws IOException {
    return event != null && !detector.inspect(Json.mapper().treeToValue(event, AuditEvent.class)).isEmpty();
  }

  @Test
  void everyDetectorStillFiresOnItsEvidenceAtTheLevelThePolicyRecords() throws IOException {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    boolean levelMatters = false;
    for (Detector detector : catalogue.all()) {
      String type = detector.info().alertType();
      List<Path> fixtures = firingFixtures(type);
      assertThat(fixtures).as("firing evidence of " + type).isNotEmpty();
      for (Path fixture : fixtures) {
        JsonNode event = Json.mapper().readTree(fixture.toFile());
        assertThat(fires(detector, event)).as(fixture + " fires as written").isTrue();
        AuditPolicy.Level level = policy.levelFor(event);
        if (!fires(detector, AuditPolicy.recordedAt(event, level))) {
          failures.add(type + "/" + fixture.getFileName() + " does not fire at level " + level);
        }
        levelMatters |= !fires(detector, AuditPolicy.recordedAt(event, AuditPolicy.Level.Metadata));
        checked++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(catalogue.all().size());
    assertThat(levelMatters).as("some detector needs request bodies, so the level is really tested").isTrue();
  }

  @Test
  void everyVerbAndResourceADetectorWatchesIsRecorded() {
    List<String> unrecorded = new ArrayList<>();
    for (Detector detector : catalogue.all()) {
      List<String> verbs = detector.interest().anyVerb() ? AuditPolicy.verbs() : List.copyOf(detector.interest().verbs());
      List<String> resources = detector.interest().anyResource()
          ? List.of("pods", "secrets", "configmaps") : List.copyOf(detector.interest().resources());
      for (String verb : verbs) {
        for (String resource : resources) {
          if (policy.levelFor(event("alice@example.com", verb, resource, "default")) == AuditPolicy.Level.None) {
            unrecorded.add(detector.info().alertType() + ": " + verb + " " + resource);
          }
        }
      }
    }
    assertThat(unrecorded).isEmpty();
  }

  @Test
  void secretsAreRecordedAsMetadataOnlyWhileConfigMapAndServiceWritesKeepTheirBodies() {
    for (String verb : AuditPolicy.verbs()) {
      for (String user : List.of("alice@example.com", "system:serviceaccount:kube-system:default", "system:kube-controller-manager")) {
        assertThat(policy.levelFor(event(user, verb, "secrets", "kube-system")))
            .as(user + " " + verb + " secrets").isIn(AuditPolicy.Level.None, AuditPolicy.Level.Metadata);
      }
    }
    assertThat(policy.levelFor(event("alice@example.com", "create", "configmaps", "default")))
        .isEqualTo(AuditPolicy.Level.Request);
    assertThat(policy.levelFor(event("alice@example.com", "patch", "services", "default")))
        .isEqualTo(AuditPolicy.Level.RequestResponse);
    assertThat(policy.levelFor(event("alice@example.com", "get", "pods", "default")))
        .isEqualTo(AuditPolicy.Level.Metadata);
    ObjectNode received = event("alice@example.com", "create", "pods", "default");
    received.put("stage", "RequestReceived");
    assertThat(policy.levelFor(received)).as("one stage per request").isEqualTo(AuditPolicy.Level.None);
  }

  private static ObjectNode event(String user, String verb, String resource, String namespace) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("kind", "Event").put("stage", "ResponseComplete").put("verb", verb)
        .put("requestURI", "/apis/" + resource);
    event.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
    ObjectNode ref = event.putObject("objectRef").put("resource", resource).put("namespace", namespace);
    String group = GROUPS.get(resource);
    if (group != null) {
      ref.put("apiGroup", group);
    }
    return event;
  }
}
