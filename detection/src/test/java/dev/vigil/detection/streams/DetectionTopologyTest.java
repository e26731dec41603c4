package dev.vigil.detection.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.rules.access.TestAlertDetector;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionTopologyTest {

  private static final String TEST_NAMESPACE = "asc-alerttest-662jfi039n";

  @TempDir Path stateDir;

  /** {@code kubectl get pods --namespace=asc-alerttest-662jfi039n}, as the API server audits it. */
  static String testAlertEvent(String auditId, String stage, String subresource) {
    String objectRef =
        subresource == null
            ? "{\"resource\":\"pods\",\"namespace\":\"" + TEST_NAMESPACE + "\",\"apiVersion\":\"v1\"}"
            : "{\"resource\":\"pods\",\"namespace\":\"" + TEST_NAMESPACE
                + "\",\"name\":\"shell\",\"apiVersion\":\"v1\",\"subresource\":\"" + subresource
                + "\"}";
    String verb = subresource == null ? "list" : "create";
    String uri =
        subresource == null
            ? "/api/v1/namespaces/" + TEST_NAMESPACE + "/pods?limit=500"
            : "/api/v1/namespaces/" + TEST_NAMESPACE + "/pods/shell/" + subresource
                + "?command=sh&stdin=true&tty=true";
    int code = subresource == null ? 200 : 101;
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
        + "\"auditID\":\"" + auditId + "\",\"stage\":\"" + stage + "\",\"requestURI\":\"" + uri
        + "\",\"verb\":\"" + verb + "\","
        + "\"user\":{\"username\":\"alice@example.com\",\"groups\":[\"system:authenticated\"]},"
        + "\"sourceIPs\":[\"203.0.113.9\",\"10.0.0.1\"],"
        + "\"userAgent\":\"kubectl/v1.30.2 (linux/amd64) kubernetes/3968350\","
        + "\"objectRef\":" + objectRef + ","
        + "\"responseStatus\":{\"metadata\":{},\"code\":" + code + "},"
        + "\"requestReceivedTimestamp\":\"2024-05-01T10:00:00.100000Z\","
        + "\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\"}";
  }

  @Test
  void theTestAlertEventGivesExactlyOneFindingWithTheRightKeyAndFields() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send(testAlertEvent("9f1c7f3e-0d4e-4a55-9a8e-1d2f3a4b5c6d", "ResponseComplete", null));

      List<TestRecord<String, Finding>> records = harness.findings();
      assertThat(records).hasSize(1);
      TestRecord<String, Finding> record = records.get(0);
      Finding finding = record.value();
      String fingerprint =
          Fingerprints.alertFingerprint(
              TopologyHarness.WORKSPACE, TopologyHarness.CLUSTER, TestAlertDetector.ALERT_TYPE, TEST_NAMESPACE);
      assertThat(record.key()).isEqualTo(fingerprint);
      assertThat(finding.fingerprint()).isEqualTo(fingerprint);
      assertThat(finding.alertType()).isEqualTo("K8S_TestAlert");
      assertThat(finding.displayName()).isEqualTo("Test alert for Kubernetes (not a threat)");
      assertThat(finding.severity()).isEqualTo(Severity.Informational);
      assertThat(finding.cluster()).isEqualTo(TopologyHarness.CLUSTER);
      assertThat(finding.workspace()).isEqualTo(TopologyHarness.WORKSPACE);
      assertThat(finding.compromisedEntity()).isEqualTo(TEST_NAMESPACE);
      assertThat(finding.entities())
          .contains(Entity.of("user", "alice@example.com"), Entity.of("namespace", TEST_NAMESPACE));
      assertThat(finding.description()).contains("alice@example.com", TEST_NAMESPACE);
      Instant eventTime = Instant.parse("2024-05-01T10:00:00.123456Z");
      assertThat(finding.startTime()).isEqualTo(eventTime);
      assertThat(finding.endTime()).isEqualTo(eventTime);
      assertThat(finding.count()).isEqualTo(1);
      assertThat(finding.auditIds()).containsExactly("9f1c7f3e-0d4e-4a55-9a8e-1d2f3a4b5c6d");
      assertThat(finding.receivedMs()).isEqualTo(harness.clock().toEpochMilli());
      assertThat(finding.extendedProperties())
          .containsEntry("verb", "list")
          .containsEntry("resource", "pods")
          .containsEntry("namespace", TEST_NAMESPACE)
          .containsEntry("userAgent", "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350")
          .containsEntry("sourceIPs", "203.0.113.9,10.0.0.1");
      SchemaAssertions.assertValid(SchemaAssertions.FINDING, finding);
      // The gateway's headers were read into the finding; none is carried onto it.
      assertThat(record.headers().toArray()).isEmpty();

      assertThat(harness.dlq()).isEmpty();
      assertThat(harness.events("processed")).isEqualTo(1);
      assertThat(harness.findingsCounted("K8S_TestAlert")).isEqualTo(1);
      assertThat(harness.findingsCounted("K8S_PrivilegedContainer")).isZero();
    }
  }

  @Test
  void malformedRecordsGoToTheDlqWithTheirReasonAndDoNotStopTheNextRecord() throws Exception {
    String good = testAlertEvent("a-1", "ResponseComplete", null);
    String malformedTrace =
        Files.readString(Corpus.falcoTraces().resolve(Corpus.MALFORMED_TRACE)).strip();
    String noTimestamp = good.replace(",\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\"", "");
    String wrongVersion = good.replace("audit.k8s.io/v1", "audit.k8s.io/v2");
    String badTimestamp = good.replace("2024-05-01T10:00:00.123456Z", "yesterday");
    String numericVerb = good.replace("\"verb\":\"list\"", "\"verb\":7");
    String twoEvents = good + "\n" + good;
    List<String[]> cases =
        List.of(
            // The reasons of the one audit-event contract (schemas' AuditReader), as the gateway gives them.
            new String[] {"hello world", "not valid JSON at line 1, column 1 (Unrecognized token 'hello'"},
            new String[] {malformedTrace, "kind must be the string \"Event\", got a number"},
            new String[] {noTimestamp, "missing required field stageTimestamp"},
            new String[] {
              wrongVersion,
              "apiVersion is \"audit.k8s.io/v2\", expected one of \"audit.k8s.io/v1\", \"audit.k8s.io/v1beta1\""
            },
            new String[] {badTimestamp, "stageTimestamp \"yesterday\" is not an RFC 3339 time"},
            new String[] {numericVerb, "verb must be a string, got a number"},
            new String[] {"[1,2]", "the item is a JSON array, not an audit Event object"},
            new String[] {twoEvents, "more JSON follows the event at line 2, column 1"});

    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (String[] badCase : cases) {
        String key = "prod-eu-1/alice@example.com";
        byte[] bytes = badCase[0].getBytes(StandardCharsets.UTF_8);
        Headers headers = TopologyHarness.gatewayHeaders(1_714_557_600_000L);
        headers.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        harness.send(key, bytes, headers);
        harness.send(good);

        List<TestRecord<String, byte[]>> dlq = harness.dlq();
        assertThat(dlq).as(badCase[1]).hasSize(1);
        TestRecord<String, byte[]> rejected = dlq.get(0);
        assertThat(rejected.key()).isEqualTo(key);
        assertThat(rejected.value()).isEqualTo(bytes);
        assertThat(header(rejected.headers(), VigilHeaders.REASON)).startsWith(badCase[1]);
        assertThat(header(rejected.headers(), VigilHeaders.CLUSTER)).isEqualTo("prod-eu-1");
        assertThat(header(rejected.headers(), "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(harness.findings()).as("the good record after " + badCase[1]).hasSize(1);
      }
      assertThat(harness.events("rejected")).isEqualTo(cases.size());
      assertThat(harness.events("processed")).isEqualTo(cases.size());
    }
  }

  @Test
  void aRejectedRecordKeepsItsKeyByteForByteEvenWhenItIsNotUtf8() {
    byte[] key = {'p', '/', (byte) 0xff, (byte) 0xfe, 'u'};
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.sendBytes(key, "{}".getBytes(StandardCharsets.UTF_8));
      List<TestRecord<byte[], byte[]>> dlq = harness.dlqBytes();
      assertThat(dlq).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo(key);
        assertThat(header(r.headers(), VigilHeaders.REASON)).startsWith("missing required field");
      });
    }
  }

  @Test
  void notJsonReasonsSayWhereTheInputBroke() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send("k", "{\"kind\" \"Event\"}".getBytes(StandardCharsets.UTF_8), null);
      String reason = header(harness.dlq().get(0).headers(), VigilHeaders.REASON);
      assertThat(reason).startsWith("not valid JSON at line 1, column 9 (Unexpected character")
          .endsWith("was expecting a colon to separate field name and value)");
    }
  }

  @Test
  void recordsWithoutTheGatewayHeadersAreRejected() {
    String good = testAlertEvent("h-1", "ResponseComplete", null);
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (String missing :
          List.of(VigilHeaders.CLUSTER, VigilHeaders.WORKSPACE, VigilHeaders.RECEIVED_MS)) {
        Headers headers = TopologyHarness.gatewayHeaders(1L);
        headers.remove(missing);
        harness.send("k", good.getBytes(StandardCharsets.UTF_8), headers);
        assertThat(header(harness.dlq().get(0).headers(), VigilHeaders.REASON))
            .isEqualTo("missing header \"" + missing + "\"");
      }
      Headers notANumber = TopologyHarness.gatewayHeaders(1L);
      notANumber.remove(VigilHeaders.RECEIVED_MS);
      notANumber.add(VigilHeaders.RECEIVED_MS, "soon".getBytes(StandardCharsets.UTF_8));
      harness.send("k", good.getBytes(StandardCharsets.UTF_8), notANumber);
      assertThat(header(harness.dlq().get(0).headers(), VigilHeaders.REASON))
          .isEqualTo("header \"vigil-received-ms\" is not epoch milliseconds: \"soon\"");
      harness.send("k", null, null);
      assertThat(header(harness.dlq().get(0).headers(), VigilHeaders.REASON))
          .isEqualTo("the value is empty; send one audit Event object");
      assertThat(harness.findings()).isEmpty();
    }
  }

  @Test
  void anExecSeenAtResponseStartedAndResponseCompleteGivesOneFinding() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send(testAlertEvent("exec-1", "ResponseStarted", "exec"));
      assertThat(types(harness.findings()))
          .containsExactlyInAnyOrder("K8S_TestAlert", "VIGIL_ExecIntoPod");

      // The session ends an hour later.
      harness.advance(Duration.ofHours(1));
      harness.send(testAlertEvent("exec-1", "ResponseComplete", "exec"));
      assertThat(harness.findings()).isEmpty();
      assertThat(harness.events("skipped_stage")).isEqualTo(1);

      // Another exec, audited only at ResponseComplete (refused before the upgrade, say).
      harness.send(testAlertEvent("exec-2", "ResponseComplete", "exec"));
      assertThat(types(harness.findings()))
          .containsExactlyInAnyOrder("K8S_TestAlert", "VIGIL_ExecIntoPod");
      assertThat(harness.events("processed")).isEqualTo(2);
    }
  }

  @Test
  void theStageMemoryLivesInTheNamedPersistentWindowStore() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send(testAlertEvent("attach-1", "ResponseStarted", "attach"));
      WindowStore<String, Long> store =
          harness.driver.getWindowStore(DetectionTopology.STAGE_DEDUP_STORE);
      assertThat(store.persistent()).isTrue();
      long at = harness.clock().toEpochMilli();
      assertThat(store.fetch(TopologyHarness.WORKSPACE + "/" + TopologyHarness.CLUSTER + "/attach-1", at, at).hasNext()).isTrue();
    }
  }

  @Test
  void aRepeatedResponseStartedIsSkippedToo() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send(testAlertEvent("pf-1", "ResponseStarted", "portforward"));
      harness.send(testAlertEvent("pf-1", "ResponseStarted", "portforward"));
      assertThat(types(harness.findings()))
          .containsExactlyInAnyOrder("K8S_TestAlert", "VIGIL_PortForward");
    }
  }

  @Test
  void requestReceivedPanicAndNonStreamingResponseStartedGiveNothing() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.send(testAlertEvent("rr-1", "RequestReceived", null));
      harness.send(testAlertEvent("rr-2", "Panic", null));
      harness.send(testAlertEvent("rr-3", "ResponseStarted", null));
      harness.send(testAlertEvent("rr-4", "RequestReceived", "exec"));
      assertThat(harness.findings()).isEmpty();
      assertThat(harness.dlq()).isEmpty();
      assertThat(harness.events("skipped_stage")).isEqualTo(4);
      assertThat(harness.events("processed")).isZero();
    }
  }

  @Test
  void disabledDetectorsDoNotRunAndUnknownOnesAreRefused() {
    try (TopologyHarness harness =
        new TopologyHarness(stateDir, Set.of(TestAlertDetector.ALERT_TYPE))) {
      harness.send(testAlertEvent("off-1", "ResponseComplete", null));
      assertThat(harness.findings()).isEmpty();
      assertThat(harness.events("processed")).isEqualTo(1);
    }
    DetectionConfig typo =
        DetectionConfig.defaults(new SimpleMeterRegistry())
            .withDisabledAlertTypes(Set.of("K8S_TestAlrt"));
    assertThatThrownBy(() -> DetectionTopology.build(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("K8S_TestAlrt");
  }

  @Test
  void everyProcessorSourceSinkAndStoreIsNamed() {
    TopologyDescription description =
        DetectionTopology.build(
                DetectionConfig.defaults(new SimpleMeterRegistry()))
            .describe();
    String text = description.toString();
    assertThat(text).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
    assertThat(text)
        .contains(
            DetectionTopology.SOURCE,
            DetectionTopology.PARSE,
            DetectionTopology.STAGE_FILTER,
            DetectionTopology.STAGE_DEDUP_STORE,
            DetectionTopology.DETECT,
            DetectionTopology.FINDINGS_SINK,
            DetectionTopology.DLQ_SINK);
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static List<String> types(List<TestRecord<String, Finding>> records) {
    return records.stream().map(r -> r.value().alertType()).collect(Collectors.toList());
  }
}
