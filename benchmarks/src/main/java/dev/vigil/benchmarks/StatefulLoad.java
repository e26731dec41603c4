package dev.vigil.benchmarks;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The detection topology with its stateful detectors on RocksDB in a {@link TopologyTestDriver}, and
 * audit events in the API server's format for many principals. Shared by the benchmark and the
 * state-size measurement.
 */
final class StatefulLoad implements AutoCloseable {

  static final String CLUSTER = "bench";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> raw;
  private final Headers headers = new RecordHeaders();

  StatefulLoad(Path stateDir, StatefulConfig stateful) {
    Properties props = DetectionApp.streamsProperties("unused:9092", stateDir);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    DetectionTopology.addTo(builder, DetectionConfig.defaults(new SimpleMeterRegistry()).withStateful(stateful));
    driver = new TopologyTestDriver(builder.build(props), props, T0);
    raw = driver.createInputTopic(Topics.AUDIT_RAW.name(),
        Topics.AUDIT_RAW.keySerde().serializer(), Topics.AUDIT_RAW.valueSerde().serializer());
    headers.add(VigilHeaders.CLUSTER, CLUSTER.getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.RECEIVED_MS, "1714557600000".getBytes(StandardCharsets.UTF_8));
  }

  void send(String user, byte[] event, long timeMs) {
    raw.pipeInput(new TestRecord<>(ClusterKeys.rawKey("default", CLUSTER, user), event, headers, timeMs));
  }

  /** One audit event as the API server writes it at level Metadata. */
  static byte[] event(int seq, String user, String verb, String resource, String namespace,
      String name, int code, Instant at) {
    String objectRef = "{\"resource\":\"" + resource + "\""
        + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
        + (name == null ? "" : ",\"name\":\"" + name + "\"") + ",\"apiVersion\":\"v1\"}";
    String uri = "/api/v1/" + (namespace == null ? "" : "namespaces/" + namespace + "/") + resource
        + (name == null ? "" : "/" + name);
    return ("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
        + "\"auditID\":\"" + String.format("%08x-0000-4000-8000-%012x", seq, seq) + "\","
        + "\"stage\":\"ResponseComplete\",\"requestURI\":\"" + uri + "\",\"verb\":\"" + verb + "\","
        + "\"user\":{\"username\":\"" + user + "\",\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]},"
        + "\"sourceIPs\":[\"10.244.1.17\"],\"userAgent\":\"controller/v0.0.0 (linux/amd64) kubernetes/$Format\","
        + "\"objectRef\":" + objectRef + ",\"responseStatus\":{\"metadata\":{},\"code\":" + code + "},"
        + "\"requestReceivedTimestamp\":\"" + at + "\",\"stageTimestamp\":\"" + at + "\","
        + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String serviceAccount(int i) {
    return "system:serviceaccount:team-" + (i % 50) + ":app-" + i;
  }

  @Override
  public void close() {
    driver.close();
  }
}
