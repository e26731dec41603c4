package dev.vigil.detection.stateful;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real detection topology (with the stateful detectors) in a {@link TopologyTestDriver}, built
 * as the app builds it (explicit naming enforced), and a builder of audit events.
 */
final class StatefulHarness implements AutoCloseable {

  static final String CLUSTER = "prod-eu-1";
  static final String WORKSPACE = "default";
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> raw;
  private final TestOutputTopic<String, Finding> findings;

  StatefulHarness(Path stateDir, StatefulConfig stateful) {
    DetectionConfig config = DetectionConfig.defaults(registry).withStateful(stateful);
    Properties props = DetectionApp.streamsProperties("unused:9092", stateDir);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    DetectionTopology.addTo(builder, config);
    driver = new TopologyTestDriver(builder.build(props), props, START);
    raw = driver.createInputTopic(Topics.AUDIT_RAW.name(),
        Topics.AUDIT_RAW.keySerde().serializer(), Topics.AUDIT_RAW.valueSerde().serializer());
    findings = driver.createOutputTopic(Topics.FINDINGS.name(),
        Topics.FINDINGS.keySerde().deserializer(), Topics.FINDINGS.valueSerde().deserializer());
  }

  /** Sends an event as the gateway does: key {@code workspace/cluster/user}, the gateway headers. */
  void send(Event event) {
    send(CLUSTER, event);
  }

  void send(String cluster, Event event) {
    send(WORKSPACE, cluster, event);
  }

  void send(String workspace, String cluster, Event event) {
    String user = event.json().path("user").path("username").asText();
    sendKeyed(ClusterKeys.rawKey(workspace, cluster, user), workspace, cluster, event);
  }

  /** Sends an event with the gateway headers of {@code workspace} and {@code cluster} and any key. */
  void sendKeyed(String key, String workspace, String cluster, Event event) {
    ObjectNode json = event.json();
    Headers headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, cluster.getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, workspace.getBytes(StandardCharsets.UTF_8));
    if (event.backfill) {
      headers.add(VigilHeaders.BACKFILL, "true".getBytes(StandardCharsets.UTF_8));
    }
    long received = event.time.toEpochMilli();
    headers.add(VigilHeaders.RECEIVED_MS, Long.toString(received).getBytes(StandardCharsets.UTF_8));
    raw.pipeInput(new TestRecord<>(key, Json.mapper().valueToTree(json).toString()
        .getBytes(StandardCharsets.UTF_8), headers, event.time));
  }

  void advanceWallClock(Duration by) {
    driver.advanceWallClockTime(by);
  }

  List<Finding> findings() {
    return findings.readValuesToList();
  }

  List<Finding> findings(String type) {
    return findings().stream().filter(f -> f.alertType().equals(type)).collect(Collectors.toList());
  }

  double late(String type) {
    Counter counter = registry.find(StatefulMetrics.LATE).tag("type", type).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    driver.close();
  }

  static Event event(String user, String verb, String resource) {
    return new Event(user, verb, resource);
  }

  /** A mutable audit event under construction, ResponseComplete and 200 unless told otherwise. */
  static final class Event {
    private final ObjectNode json = Json.mapper().createObjectNode();
    private final ObjectNode objectRef;
    private Instant time = START;
    private boolean backfill;

    Event(String user, String verb, String resource) {
      json.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
          .put("auditID", UUID.randomUUID().toString()).put("stage", "ResponseComplete")
          .put("verb", verb).put("userAgent", "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350");
      json.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
      json.putArray("sourceIPs").add("203.0.113.9");
      objectRef = json.putObject("objectRef");
      objectRef.put("resource", resource).put("apiVersion", "v1");
      json.putObject("responseStatus").put("code", 200);
      json.put("requestURI", "/api/v1/" + resource);
      at(START);
    }

    Event ns(String namespace) {
      objectRef.put("namespace", namespace);
      json.put("requestURI", "/api/v1/namespaces/" + namespace + "/" + objectRef.path("resource").asText());
      return this;
    }

    Event name(String name) {
      objectRef.put("name", name);
      return this;
    }

    Event group(String apiGroup) {
      objectRef.put("apiGroup", apiGroup);
      return this;
    }

    Event subresource(String subresource) {
      objectRef.put("subresource", subresource);
      return this;
    }

    Event code(int code) {
      ((ObjectNode) json.get("responseStatus")).put("code", code);
      return this;
    }

    Event stage(String stage) {
      json.put("stage", stage);
      return this;
    }

    Event agent(String userAgent) {
      json.put("userAgent", userAgent);
      return this;
    }

    Event ips(String... ips) {
      ArrayNode array = json.putArray("sourceIPs");
      for (String ip : ips) {
        array.add(ip);
      }
      return this;
    }

    Event id(String auditId) {
      json.put("auditID", auditId);
      return this;
    }

    Event request(ObjectNode object) {
      json.set("requestObject", object);
      json.put("level", "Request");
      return this;
    }

    Event at(Instant at) {
      time = at;
      json.put("stageTimestamp", at.toString());
      json.put("requestReceivedTimestamp", at.toString());
      return this;
    }

    /** Sent as history ({@code vigil-backfill: true}). */
    Event backfill() {
      backfill = true;
      return this;
    }

    Event atSecond(long seconds) {
      return at(START.plusSeconds(seconds));
    }

    String auditId() {
      return json.path("auditID").asText();
    }

    ObjectNode json() {
      return json;
    }
  }
}
