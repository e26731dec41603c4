package dev.vigil.alerts;

import dev.vigil.alerts.suppression.Suppressions;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds findings into alerts, keyed by fingerprint.
 *
 * <p>New alerts are forwarded at once. Updates of an existing alert are only marked in the
 * {@code alerts-unpublished-v1} store and forwarded by a wall-clock punctuator, so a burst of identical
 * findings costs one record per flush interval. The marker lives in a changelogged store rather than
 * in memory so that, under exactly-once, a crash between commit and flush cannot lose an update.
 *
 * <p>A merge keeps the alert's status and history, so findings within the window of a dismissed or
 * resolved alert count into it without reopening it; a finding after the window opens a new, Active
 * alert. Every forwarded record carries the {@link AlertActivity} header.
 */
final class AlertDedupProcessor implements Processor<String, Finding, String, Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDedupProcessor.class);

  private final Duration dedupWindow;
  private final Duration flushInterval;
  private final AlertsMetrics metrics;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, Alert> alerts;
  private KeyValueStore<String, Long> unpublished;
  private final Suppressions.Step suppression = new Suppressions.Step();

  AlertDedupProcessor(AlertsConfig config, AlertsMetrics metrics) {
    this.dedupWindow = config.dedupWindow();
    this.flushInterval = config.flushInterval();
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.alerts = context.getStateStore(AlertsTopology.ALERTS_BY_FINGERPRINT_STORE);
    this.unpublished = context.getStateStore(AlertsTopology.UNPUBLISHED_STORE);
    suppression.init(context);
    context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
  }

  @Override
  public void process(Record<String, Finding> record) {
    Finding finding = record.value();
    String fingerprint = record.key() != null ? record.key() : finding == null ? null : finding.fingerprint();
    if (finding == null || !isUsable(fingerprint, finding)) {
      metrics.invalidFinding();
      LOG.warn(
          "dropping finding without fingerprint, workspace, cluster, alertType, severity or times: key={} value={}",
          record.key(),
          finding);
      return;
    }
    Alert current = alerts.get(fingerprint);
    if (current != null && !current.workspace().equals(finding.workspace())) {
      // Fingerprints carry the workspace, so this is a finding keyed the old way (cluster, type,
      // entity) by a detection version before workspaces were in every key: it must never count into
      // another workspace's alert.
      metrics.invalidFinding();
      LOG.warn(
          "dropping finding of workspace {} keyed {}: that key's alert belongs to another workspace",
          finding.workspace(),
          fingerprint);
      return;
    }
    if (current != null && joins(current, finding, dedupWindow)) {
      if (isRedelivery(current, finding)) {
        metrics.redeliveredFinding();
        return;
      }
      alerts.put(fingerprint, merge(current, finding));
      Long pendingSince = unpublished.get(fingerprint);
      // Keep the oldest receipt time of the coalesced findings: latency is reported for the worst one.
      if (pendingSince == null || (finding.receivedMs() > 0 && finding.receivedMs() < pendingSince)) {
        unpublished.put(fingerprint, finding.receivedMs());
      }
      return;
    }
    long now = context.currentSystemTimeMs();
    if (current != null) {
      // The old alert is about to be replaced in the store: publish its pending update first.
      flushOne(fingerprint, current, now);
    }
    Alert created = suppression.apply(newAlert(fingerprint, finding, Instant.ofEpochMilli(now)), now);
    alerts.put(fingerprint, created);
    publish(created, true, finding.receivedMs(), now);
  }

  private void flush() {
    List<KeyValue<String, Long>> pending = new ArrayList<>();
    // Collect first: deleting while a store iterator is open is not safe for every store type.
    try (KeyValueIterator<String, Long> it = unpublished.all()) {
      it.forEachRemaining(pending::add);
    }
    long now = context.currentSystemTimeMs();
    for (KeyValue<String, Long> entry : pending) {
      unpublished.delete(entry.key);
      Alert alert = alerts.get(entry.key);
      if (alert != null) {
        publish(alert, false, entry.value == null ? 0 : entry.value, now);
      }
    }
  }

  private void flushOne(String fingerprint, Alert alert, long now) {
    Long pendingSince = unpublished.delete(fingerprint);
    if (pendingSince != null) {
      publish(alert, false, pendingSince, now);
    }
  }

  private void publish(Alert alert, boolean isNew, long receivedMs, long now) {
    AlertActivity activity = isNew ? AlertActivity.CREATE : AlertActivity.UPDATE;
    context.forward(activity.tag(new Record<>(alert.id(), alert, now)));
    metrics.published(alert.alertType(), isNew, receivedMs, now);
  }

  private static boolean isUsable(String fingerprint, Finding f) {
    return notBlank(fingerprint)
        && notBlank(f.workspace())
        && notBlank(f.cluster())
        && notBlank(f.alertType())
        && f.severity() != null
        && (f.startTime() != null || f.endTime() != null);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /**
   * True when the finding stands for one event the alert has already counted: its one audit id is
   * among the alert's. A gateway that answered 503 after its acknowledgement timeout may still have
   * written the event, and the client's retry then reaches detection a second time; an audit id is
   * unique per request, and one detector's fingerprint never counts one request twice. The alert keeps
   * its first {@link Alert#MAX_AUDIT_IDS} ids, so a retry of an event beyond them is still counted.
   */
  static boolean isRedelivery(Alert alert, Finding finding) {
    List<String> ids = finding.auditIds();
    return finding.count() <= 1
        && ids != null
        && ids.size() == 1
        && ids.get(0) != null
        && !ids.get(0).isEmpty()
        && alert.auditIds().contains(ids.get(0));
  }

  /** True when the finding's first event is no later than the alert's last event plus the window. */
  static boolean joins(Alert alert, Finding finding, Duration window) {
    return !start(finding).isAfter(alert.endTimeUtc().plus(window));
  }

  /** The id of the alert first seen at {@code firstEventTime} for {@code fingerprint}. */
  static String alertId(String fingerprint, Instant firstEventTime) {
    return Fingerprints.sha256Hex(32, "alert", fingerprint, firstEventTime.toString());
  }

  static Alert newAlert(String fingerprint, Finding f, Instant detected) {
    Instant start = start(f);
    Instant end = end(f);
    return new Alert(
        alertId(fingerprint, start),
        f.alertType(),
        orElse(f.displayName(), f.alertType()),
        orElse(f.description(), f.displayName() == null ? f.alertType() : f.displayName()),
        f.severity(),
        listOrEmpty(f.tactics()),
        listOrEmpty(f.techniques()),
        AlertStatus.Active,
        f.workspace(),
        f.cluster(),
        orElse(f.compromisedEntity(), f.cluster()),
        listOrEmpty(f.entities()),
        listOrEmpty(f.remediationSteps()),
        start,
        end.isBefore(start) ? start : end,
        detected,
        Math.max(1, f.count()),
        appendAuditIds(List.of(), f.auditIds()),
        mapOrEmpty(f.extendedProperties()));
  }

  /**
   * The alert with the finding folded in: counts add up, the time range widens, audit ids are
   * appended (see {@link #appendAuditIds}); id, status, detection time and descriptive fields stay
   * those of the alert.
   */
  static Alert merge(Alert a, Finding f) {
    Instant start = start(f);
    Instant end = end(f);
    return new Alert(
        a.id(),
        a.alertType(),
        a.displayName(),
        a.description(),
        a.severity(),
        a.tactics(),
        a.techniques(),
        a.status(),
        a.workspace(),
        a.cluster(),
        a.compromisedEntity(),
        a.entities(),
        a.remediationSteps(),
        start.isBefore(a.startTimeUtc()) ? start : a.startTimeUtc(),
        end.isAfter(a.endTimeUtc()) ? end : a.endTimeUtc(),
        a.detectedTimeUtc(),
        a.count() + Math.max(1, f.count()),
        appendAuditIds(a.auditIds(), f.auditIds()),
        a.extendedProperties(),
        a.history());
  }

  /**
   * Keeps the FIRST {@link Alert#MAX_AUDIT_IDS} distinct audit ids: the events that opened the alert
   * are the ones an analyst starts from, and a stable list does not churn on every update.
   */
  static List<String> appendAuditIds(List<String> kept, List<String> more) {
    if (more == null || more.isEmpty() || kept.size() >= Alert.MAX_AUDIT_IDS) {
      return kept;
    }
    Set<String> ids = new LinkedHashSet<>(kept);
    for (String id : more) {
      if (ids.size() >= Alert.MAX_AUDIT_IDS) {
        break;
      }
      if (id != null && !id.isEmpty()) {
        ids.add(id);
      }
    }
    return List.copyOf(ids);
  }

  private static Instant start(Finding f) {
    return f.startTime() != null ? f.startTime() : f.endTime();
  }

  private static Instant end(Finding f) {
    return f.endTime() != null ? f.endTime() : f.startTime();
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }

  private static Map<String, String> mapOrEmpty(Map<String, String> map) {
    if (map == null) {
      return Map.of();
    }
    Map<String, String> copy = new TreeMap<>();
    map.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            copy.put(k, v);
          }
        });
    return Collections.unmodifiableMap(copy);
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
