package dev.vigil.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Json;
import java.time.Instant;
import java.util.UUID;

/**
 * The audit event of {@code kubectl get pods --namespace=asc-alerttest-662jfi039n}: the request the
 * seed product documents for its connectivity test, raising {@code K8S_TestAlert}.
 */
public final class TestAlertEvent {
  public static final String NAMESPACE = "asc-alerttest-662jfi039n";

  private TestAlertEvent() {}

  public static byte[] create(String username, Instant now) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("kind", "Event");
    event.put("apiVersion", "audit.k8s.io/v1");
    event.put("level", "Metadata");
    event.put("auditID", UUID.randomUUID().toString());
    event.put("stage", "ResponseComplete");
    event.put("requestURI", "/api/v1/namespaces/" + NAMESPACE + "/pods?limit=500");
    event.put("verb", "list");
    ObjectNode user = event.putObject("user");
    user.put("username", username);
    user.putArray("groups").add("system:authenticated");
    event.putArray("sourceIPs").add("127.0.0.1");
    event.put("userAgent", "vigil-simulate");
    ObjectNode ref = event.putObject("objectRef");
    ref.put("resource", "pods");
    ref.put("namespace", NAMESPACE);
    ref.put("apiVersion", "v1");
    event.putObject("responseStatus").put("code", 200);
    event.put("requestReceivedTimestamp", now.toString());
    event.put("stageTimestamp", now.toString());
    try {
      return Json.mapper().writeValueAsBytes(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the test event", e);
    }
  }
}
