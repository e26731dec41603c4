package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Failover bookkeeping by marker: every event a test-alert request in a namespace of its own (its
 * marker), so each raises its own {@code K8S_TestAlert}. Counts, per marker, the records on the raw
 * topic, the committed findings and the alert's {@code count}: processing exactly once means all three
 * are equal for every marker, and every acknowledged event is on the raw topic.
 */
final class MarkerTally {
  static final String PREFIX = "asc-alerttest-m";

  /** Test-alert events whose namespace is {@code PREFIX-run-thread-seq}. */
  static LoadClient.Events events(String run) {
    return (thread, seq) -> new String(TestAlertEvent.create("user-" + thread + "-" + seq % 3, Instant.now()),
        java.nio.charset.StandardCharsets.UTF_8)
        .replace(TestAlertEvent.NAMESPACE, PREFIX + "-" + run + "-" + thread + "-" + seq)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  final Map<String, Integer> raw = new HashMap<>();
  final Map<String, Integer> findings = new HashMap<>();
  final Map<String, Long> alertCounts = new HashMap<>();
  final Map<String, Integer> alertsPerMarker = new HashMap<>();
  final Set<String> rawAuditIds = new java.util.HashSet<>();
  int rawRecords;
  int findingRecords;
  /** Findings written by a transaction that was then aborted: visible read_uncommitted only. */
  int abortedFindings;

  /**
   * Reads the raw topic until every acknowledged event is on it, then findings and alerts until every
   * marker has as many as raw records, then once more after {@code settle} so a late duplicate shows.
   */
  static MarkerTally read(Map<String, ?> client, Set<String> acknowledged, Duration timeout, Duration settle)
      throws Exception {
    MarkerTally tally = new MarkerTally();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (TopicReader rawTopic = new TopicReader(client, Topics.AUDIT_RAW.name(), false);
        TopicReader committed = new TopicReader(client, Topics.FINDINGS.name(), true);
        TopicReader uncommitted = new TopicReader(client, Topics.FINDINGS.name(), false);
        TopicReader alerts = new TopicReader(client, Topics.ALERTS.name(), true)) {
      while (!tally.rawAuditIds.containsAll(acknowledged)) {
        checkTime(deadline, "acknowledged events on the raw topic");
        tally.countRaw(rawTopic.poll());
      }
      rawTopic.readToEnd(timeout);
      tally.countRaw(rawTopic.records);
      while (!tally.caughtUp()) {
        checkTime(deadline, "findings and alerts for every marker");
        tally.countFindings(committed.poll(), uncommitted.poll());
        tally.countAlerts(alerts.poll());
      }
      Thread.sleep(settle.toMillis());
      committed.readToEnd(timeout);
      uncommitted.readToEnd(timeout);
      alerts.readToEnd(timeout);
      tally.countFindings(committed.records, uncommitted.records);
      tally.countAlerts(alerts.records);
    }
    return tally;
  }

  private static void checkTime(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new AssertionError("timed out waiting for " + what);
    }
  }

  private static String marker(JsonNode node, String field) {
    String value = node.path(field).asText();
    return value.startsWith(PREFIX) ? value : null;
  }

  private void countRaw(Iterable<ConsumerRecord<String, byte[]>> records) throws IOException {
    raw.clear();
    rawAuditIds.clear();
    rawRecords = 0;
    for (ConsumerRecord<String, byte[]> r : records) {
      JsonNode event = Json.mapper().readTree(r.value());
      String marker = marker(event.path("objectRef"), "namespace");
      if (marker != null) {
        raw.merge(marker, 1, Integer::sum);
        rawAuditIds.add(event.path("auditID").asText());
        rawRecords++;
      }
    }
  }

  private void countFindings(Iterable<ConsumerRecord<String, byte[]>> committed,
      Iterable<ConsumerRecord<String, byte[]>> uncommitted) throws IOException {
    findings.clear();
    findingRecords = 0;
    for (ConsumerRecord<String, byte[]> r : committed) {
      String marker = marker(Json.mapper().readTree(r.value()), "compromisedEntity");
      if (marker != null) {
        findings.merge(marker, 1, Integer::sum);
        findingRecords++;
      }
    }
    int all = 0;
    for (ConsumerRecord<String, byte[]> r : uncommitted) {
      if (marker(Json.mapper().readTree(r.value()), "compromisedEntity") != null) {
        all++;
      }
    }
    abortedFindings = all - findingRecords;
  }

  /** The alerts topic is a changelog: the last record of each alert id is the alert. */
  private void countAlerts(Iterable<ConsumerRecord<String, byte[]>> records) throws IOException {
    Map<String, JsonNode> latest = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      latest.put(r.key(), r.value() == null ? null : Json.mapper().readTree(r.value()));
    }
    alertCounts.clear();
    alertsPerMarker.clear();
    for (JsonNode alert : latest.values()) {
      String marker = alert == null ? null : marker(alert, "compromisedEntity");
      if (marker != null) {
        alertCounts.merge(marker, alert.path("count").asLong(), Long::sum);
        alertsPerMarker.merge(marker, 1, Integer::sum);
      }
    }
  }

  private boolean caughtUp() {
    return raw.entrySet().stream().allMatch(e -> findings.getOrDefault(e.getKey(), 0) >= e.getValue()
        && alertCounts.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /** Acknowledged events missing from the raw topic. */
  long lost(Set<String> acknowledged) {
    return acknowledged.stream().filter(id -> !rawAuditIds.contains(id)).count();
  }

  /** Markers whose findings or alert count differ from their raw records, or with more than one alert. */
  Map<String, String> mismatches() {
    Map<String, String> wrong = new java.util.TreeMap<>();
    Set<String> markers = new java.util.HashSet<>(raw.keySet());
    markers.addAll(findings.keySet());
    markers.addAll(alertCounts.keySet());
    for (String m : markers) {
      int r = raw.getOrDefault(m, 0);
      int f = findings.getOrDefault(m, 0);
      long a = alertCounts.getOrDefault(m, 0L);
      int n = alertsPerMarker.getOrDefault(m, 0);
      if (f != r || a != r || n != 1) {
        wrong.put(m, "raw=" + r + " findings=" + f + " alertCount=" + a + " alerts=" + n);
      }
    }
    return wrong;
  }

  /** Markers sent more than once by a client (re-sent after a refusal whose first attempt had landed). */
  long resent() {
    return raw.values().stream().filter(n -> n > 1).count();
  }

  String summary() {
    return String.format("markers=%d rawRecords=%d (re-sent markers %d) committedFindings=%d abortedFindings=%d "
            + "alerts=%d mismatched=%d", raw.size(), rawRecords, resent(), findingRecords, abortedFindings,
        alertCounts.size(), mismatches().size());
  }
}
