package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.rules.access.ExecIntoPodDetector;
import dev.vigil.detection.rules.rbac.ClusterAdminBindingDetector;
import dev.vigil.detection.rules.rbac.RoleRuleDetector.Grant;
import dev.vigil.detection.rules.rbac.SystemRoleModifiedDetector;
import dev.vigil.detection.rules.workloads.PrivilegedContainerDetector;
import dev.vigil.detection.rules.workloads.SensitiveMountDetector;
import dev.vigil.detection.streams.TopologyHarness;
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

/** The labelled Falco captures of {@code testdata/falco-k8s-audit}, through the real topology. */
class FalcoTracesTest {

  private static final String PRIVILEGED = PrivilegedContainerDetector.ALERT_TYPE;
  private static final String SENSITIVE = SensitiveMountDetector.ALERT_TYPE;
  private static final String CLUSTER_ADMIN = ClusterAdminBindingDetector.ALERT_TYPE;
  private static final String HIGH_PRIVILEGES = Grant.HIGH_PRIVILEGES.alertType();
  private static final String WILDCARD = Grant.WILDCARD.alertType();
  private static final String WRITE = Grant.WRITE.alertType();
  private static final String SYSTEM_ROLE = SystemRoleModifiedDetector.ALERT_TYPE;
  private static final String EXEC = ExecIntoPodDetector.ALERT_TYPE;

  /**
   * Every trace that raises a finding with the shipped default configuration, and what it raises.
   * The Falco conformance test checks the same traces against Falco's own expectations; this one
   * pins the default configuration's whole answer.
   */
  private static final Map<String, Set<String>> EXPECTED =
      Map.ofEntries(
          Map.entry("anonymous_creates_namespace_foo.json", Set.of("VIGIL_AnonymousRequestAllowed")),
          Map.entry("attach_cluster_admin_role.json", Set.of(CLUSTER_ADMIN)),
          Map.entry("attach_pod.json", Set.of(EXEC)),
          Map.entry("exec_pod.json", Set.of(EXEC)),
          Map.entry("create_cluster_role_pod_exec.json", Set.of(HIGH_PRIVILEGES, "VIGIL_PodExecRole")),
          Map.entry("create_cluster_role_wildcard_resources.json", Set.of(HIGH_PRIVILEGES, WILDCARD)),
          Map.entry("create_cluster_role_wildcard_verbs.json", Set.of(HIGH_PRIVILEGES, WILDCARD)),
          Map.entry("create_cluster_role_write_privileges.json", Set.of(WRITE)),
          Map.entry("create_configmap_sensitive_values.json", Set.of("VIGIL_ConfigMapCredentials")),
          Map.entry("create_nginx_pod_hostnetwork.json", Set.of("VIGIL_HostNamespacePod")),
          Map.entry("create_nginx_pod_privileged.json", Set.of(PRIVILEGED)),
          Map.entry("create_nginx_pod_privileged_2nd_container.json", Set.of(PRIVILEGED)),
          Map.entry(
              "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json",
              Set.of(PRIVILEGED)),
          Map.entry("create_nginx_pod_sensitive_mount.json", Set.of(SENSITIVE)),
          Map.entry("create_nginx_pod_sensitive_mount_2nd_container.json", Set.of(SENSITIVE)),
          Map.entry("create_nginx_service_nodeport.json", Set.of("VIGIL_NodePortService")),
          Map.entry("create_pod_kube_public_namespace.json", Set.of("VIGIL_PodInKubeNamespace")),
          Map.entry("create_pod_kube_system_namespace.json", Set.of("VIGIL_PodInKubeNamespace")),
          Map.entry(
              "create_serviceaccount_kube_public_namespace.json",
              Set.of("VIGIL_ServiceAccountInKubeNamespace")),
          Map.entry(
              "create_serviceaccount_kube_system_namespace.json",
              Set.of("VIGIL_ServiceAccountInKubeNamespace")),
          Map.entry("delete_cluster_role_kube_aggregator.json", Set.of(SYSTEM_ROLE)),
          Map.entry("modify_cluster_role_node_problem_detector.json", Set.of(SYSTEM_ROLE, WRITE)),
          Map.entry("delete_secret.json", Set.of("VIGIL_SecretModifiedOrDeleted")));

  @TempDir Path stateDir;

  @Test
  void labelledTracesFireTheirDetectorAndNoOther() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (Map.Entry<String, Set<String>> expected : EXPECTED.entrySet()) {
        List<Finding> findings = run(harness, expected.getKey());
        assertThat(types(findings)).as(expected.getKey()).isEqualTo(expected.getValue());
        int events = Corpus.lines(Corpus.falcoTraces().resolve(expected.getKey())).size();
        assertThat(findings)
            .as(expected.getKey() + ": one finding per event and type")
            .hasSize(events * expected.getValue().size());
        for (Finding finding : findings) {
          SchemaAssertions.assertValid(SchemaAssertions.FINDING, finding);
        }
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
      assertThat(privileged.alertType()).isEqualTo(PRIVILEGED);
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
          .isEqualTo("kind must be the string \"Event\", got a number");
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
