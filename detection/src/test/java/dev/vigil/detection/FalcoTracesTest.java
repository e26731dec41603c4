package dev.vigil.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Finding;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labelled Falco captures from the shared corpus, through the real topology. */
class FalcoTracesTest {

  private static final String PRIVILEGED = PrivilegedContainerDetector.ALERT_TYPE;
  private static final String SENSITIVE = SensitiveMountDetector.ALERT_TYPE;
  private static final String CLUSTER_ADMIN = ClusterAdminBindingDetector.ALERT_TYPE;

  /** Every trace that raises a finding with the built-in catalogue, and what it raises. */
  private static final Map<String, Set<String>> EXPECTED =
      Map.of(
          "create_nginx_pod_privileged.json", Set.of(PRIVILEGED),
          "create_nginx_pod_privileged_2nd_container.json", Set.of(PRIVILEGED),
          "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json",
              Set.of(PRIVILEGED),
          "create_nginx_pod_sensitive_mount.json", Set.of(SENSITIVE),
          "create_nginx_pod_sensitive_mount_2nd_container.json", Set.of(SENSITIVE),
          "attach_cluster_admin_role.json", Set.of(CLUSTER_ADMIN));

  @TempDir Path stateDir;

  @Test
  void labelledTracesFireTheirDetectorAndNoOther() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (Map.Entry<String, Set<String>> expected : EXPECTED.entrySet()) {
        List<Finding> findings = run(harness, expected.getKey());
        assertThat(types(findings)).as(expected.getKey()).isEqualTo(expected.getValue());
        assertThat(findings).as(expected.getKey()).hasSize(1);
        SchemaAssertions.assertValid(SchemaAssertions.FINDING, findings.get(0));
      }
    }
  }

  @Test
  void benignTracesRaiseNothing() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (String trace :
          List.of(
              "create_nginx_pod_unprivileged.json",
              "create_nginx_pod_unsensitive_mount.json",
              "create_deployment.json")) {
        assertThat(run(harness, trace)).as(trace).isEmpty();
      }
      assertThat(harness.events("processed")).isEqualTo(3);
    }
  }

  @Test
  void theClusterAdminTraceNamesTheBindingItsSubjectAndTheUser() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      Finding finding = run(harness, "attach_cluster_admin_role.json").get(0);
      assertThat(finding.compromisedEntity()).isEqualTo("ClusterRoleBinding/some-reader-binding");
      assertThat(finding.description())
          .contains("minikube-user", "some-reader-binding", "User minikube", "cluster-admin");
      assertThat(finding.extendedProperties())
          .containsEntry("verb", "create")
          .containsEntry("resource", "clusterrolebindings")
          .containsEntry("sourceIPs", "192.168.99.1");
    }
  }

  @Test
  void theSecondContainerIsTheOneNamed() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      Finding privileged =
          run(harness, "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json")
              .get(0);
      assertThat(privileged.extendedProperties()).containsEntry("containers", "mysql");
      assertThat(privileged.compromisedEntity()).startsWith("default/Pod/");
      Finding mount = run(harness, "create_nginx_pod_sensitive_mount_2nd_container.json").get(0);
      assertThat(mount.extendedProperties())
          .containsEntry("hostPaths", "/etc")
          .containsEntry("containers", "mysql");
    }
  }

  @Test
  void theWholeCorpusParsesAndOnlyTheLabelledTracesRaiseFindings() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      Map<String, Set<String>> raised = new TreeMap<>();
      int events = 0;
      for (Path file : Corpus.falcoTraceFiles()) {
        String name = file.getFileName().toString();
        if (name.equals(Corpus.MALFORMED_TRACE)) {
          continue;
        }
        for (String line : Corpus.lines(file)) {
          harness.send(line);
          events++;
        }
        Set<String> types = types(values(harness.findings()));
        if (!types.isEmpty()) {
          raised.put(name, types);
        }
      }
      assertThat(harness.dlq()).as("corpus events sent to the DLQ").isEmpty();
      assertThat(events).isGreaterThanOrEqualTo(50);
      assertThat(harness.events("processed") + harness.events("skipped_stage")).isEqualTo(events);
      assertThat(raised).isEqualTo(new TreeMap<>(EXPECTED));
    }
  }

  @Test
  void theMalformedTraceGoesToTheDlq() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      String line = Corpus.lines(Corpus.falcoTraces().resolve(Corpus.MALFORMED_TRACE)).get(0);
      harness.send(line);
      List<TestRecord<String, byte[]>> dlq = harness.dlq();
      assertThat(dlq).hasSize(1);
      assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(line);
      assertThat(
              new String(
                  dlq.get(0).headers().lastHeader(VigilHeaders.REASON).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo("not an audit event: \"kind\" is 0, expected \"Event\"");
    }
  }

  private static List<Finding> run(TopologyHarness harness, String trace) {
    for (String line : Corpus.lines(Corpus.falcoTraces().resolve(trace))) {
      harness.send(line);
    }
    return values(harness.findings());
  }

  private static List<Finding> values(List<TestRecord<String, Finding>> records) {
    return records.stream().map(TestRecord::value).collect(Collectors.toList());
  }

  private static Set<String> types(List<Finding> findings) {
    return findings.stream().map(Finding::alertType).collect(Collectors.toCollection(TreeSet::new));
  }
}
