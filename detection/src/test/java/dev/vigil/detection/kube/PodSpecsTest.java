package dev.vigil.detection.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodSpecsTest {

  private static final String SPEC =
      "{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}],"
          + "\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox\"}],"
          + "\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"debug\"}]}";

  static AuditEvent event(String verb, String resource, String subresource, String requestObject)
      throws Exception {
    String objectRef =
        "{\"resource\":\"" + resource + "\",\"namespace\":\"ns\""
            + (subresource == null ? "" : ",\"subresource\":\"" + subresource + "\"") + "}";
    String json =
        "{\"auditID\":\"x\",\"stage\":\"ResponseComplete\",\"verb\":\"" + verb + "\","
            + "\"user\":{\"username\":\"u\"},\"stageTimestamp\":\"2024-01-01T00:00:00Z\","
            + "\"objectRef\":" + objectRef
            + (requestObject == null ? "" : ",\"requestObject\":" + requestObject) + "}";
    return Json.mapper().readValue(json, AuditEvent.class);
  }

  private static List<String> names(JsonNode spec) {
    return PodSpecs.containers(spec).stream()
        .map(c -> c.list() + ":" + c.name())
        .collect(Collectors.toList());
  }

  @Test
  void findsThePodSpecOfEveryWorkloadKind() throws Exception {
    String template = "{\"spec\":{\"template\":{\"spec\":" + SPEC + "}}}";
    for (String resource :
        List.of(
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "replicationcontrollers")) {
      assertThat(names(PodSpecs.podSpec(event("create", resource, null, template))))
          .as(resource)
          .containsExactly("containers:a", "initContainers:i", "ephemeralContainers:e");
    }
    assertThat(names(PodSpecs.podSpec(event("update", "pods", null, "{\"spec\":" + SPEC + "}"))))
        .hasSize(3);
    assertThat(
            names(
                PodSpecs.podSpec(
                    event(
                        "create",
                        "cronjobs",
                        null,
                        "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + SPEC
                            + "}}}}}"))))
        .hasSize(3);
    assertThat(
            names(
                PodSpecs.podSpec(
                    event("create", "podtemplates", null, "{\"template\":{\"spec\":" + SPEC + "}}"))))
        .hasSize(3);
  }

  @Test
  void theEphemeralContainersSubresourceCountsButOtherSubresourcesDoNot() throws Exception {
    String patch = "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\"}]}}";
    assertThat(names(PodSpecs.podSpec(event("patch", "pods", "ephemeralcontainers", patch))))
        .containsExactly("ephemeralContainers:dbg");
    assertThat(PodSpecs.podSpec(event("update", "pods", "status", "{\"spec\":" + SPEC + "}")))
        .isNull();
    assertThat(PodSpecs.podSpec(event("update", "deployments", "scale", "{\"spec\":{}}"))).isNull();
  }

  @Test
  void readsAndOtherResourcesHaveNoPodSpec() throws Exception {
    assertThat(PodSpecs.podSpec(event("get", "pods", null, "{\"spec\":" + SPEC + "}"))).isNull();
    assertThat(PodSpecs.podSpec(event("create", "configmaps", null, "{\"spec\":" + SPEC + "}")))
        .isNull();
    assertThat(PodSpecs.podSpec(event("create", "pods", null, null))).isNull();
    assertThat(PodSpecs.podSpec(event("create", "pods", null, "{\"spec\":\"odd\"}"))).isNull();
    assertThat(PodSpecs.containers(Json.mapper().readTree("{\"containers\":\"odd\"}"))).isEmpty();
  }
}
