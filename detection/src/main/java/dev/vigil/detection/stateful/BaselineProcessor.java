package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.stateful.BaselineRule.Novelty;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Finding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs one {@link BaselineRule} with two stores: subjects (record key → learning start, last seen)
 * and items ({@code subject NUL item} → last seen). One small entry per item, rather than one value
 * per subject, so an event costs a point lookup and rarely a write, however large a baseline grows.
 *
 * <p>An item's last-seen time is rewritten only when it moved by more than {@link #touchMs}, which
 * keeps the changelog quiet for items seen on every request. Entries older than the TTL (in event
 * time, against the newest event this processor saw) are deleted by a wall-clock sweep.
 *
 * <p>The learning period is the <em>cluster's</em>: it ends {@code baselineLearning} after the
 * earliest event (event time) detection saw of the record's {@code workspace/cluster} ({@link
 * ClusterClock}). A week of backfilled history
 * therefore ends it, and a principal first seen after it is judged at once rather than becoming
 * its own baseline for a week. A backfilled record older than the horizon ({@link
 * AuditRecord#historical}) is learned and never reported.
 */
final class BaselineProcessor implements Processor<String, AuditRecord, String, Finding> {

  static final char SEPARATOR = '\u0000';
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  private final BaselineRule rule;
  private final String subjectsName;
  private final String itemsName;
  private final long learningMs;
  private final long ttlMs;
  private final long touchMs;
  private final String learning;
  private final StatefulMetrics metrics;
  private ProcessorContext<String, Finding> context;
  private KeyValueStore<String, SubjectState> subjects;
  private KeyValueStore<String, Long> items;
  private final long horizonMs;
  private final ClusterClock clock = new ClusterClock();
  private long newestMs = Long.MIN_VALUE;

  BaselineProcessor(BaselineRule rule, String subjectsName, String itemsName, StatefulConfig config,
      StatefulMetrics metrics, Duration backfillHorizon) {
    this.rule = rule;
    this.horizonMs = backfillHorizon.toMillis();
    this.subjectsName = subjectsName;
    this.itemsName = itemsName;
    this.learningMs = config.baselineLearning().toMillis();
    this.ttlMs = config.baselineTtl().toMillis();
    this.touchMs = Math.min(ttlMs / 30, Duration.ofHours(1).toMillis());
    this.learning = config.baselineLearning().toString();
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Finding> context) {
    this.context = context;
    this.subjects = context.getStateStore(subjectsName);
    this.items = context.getStateStore(itemsName);
    clock.init(context);
    context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
  }

  @Override
  public void process(Record<String, AuditRecord> record) {
    AuditEvent event = record.value().event();
    List<String> seen = rule.items(event);
    if (seen.isEmpty()) {
      return;
    }
    long t = event.stageTimestamp().toEpochMilli();
    long learningStart = clock.learningStart(record.value(), t);
    newestMs = Math.max(newestMs, t);
    String subject = record.key();
    SubjectState state = subjects.get(subject);
    if (state == null || state.lastSeenMs() < t - ttlMs) {
      state = new SubjectState(t, t);
      subjects.put(subject, state);
    } else if (t - state.lastSeenMs() > touchMs || t < state.learningStartMs()) {
      state = new SubjectState(Math.min(state.learningStartMs(), t), Math.max(state.lastSeenMs(), t));
      subjects.put(subject, state);
    }
    boolean learningNow = t < learningStart + learningMs;
    List<String> novel = null;
    for (int i = 0; i < seen.size(); i++) {
      String item = seen.get(i);
      String key = subject + SEPARATOR + item;
      Long last = items.get(key);
      boolean unknown = last == null || last < t - ttlMs;
      if (unknown && !learningNow) {
        if (novel == null) {
          novel = new ArrayList<>(2);
        }
        novel.add(item);
      }
      if (unknown || t - last > touchMs) {
        items.put(key, t);
      }
    }
    if (novel != null && record.value().historical(context.currentSystemTimeMs(), horizonMs)) {
      metrics.historical();
    } else if (novel != null) {
      Novelty novelty = rule.describe(record.value(), novel, learning);
      Finding finding = StatefulFindings.single(rule.info(), novelty.severity(), record.value(),
          novelty.entity(), novelty.entities(), novelty.description(), novelty.evidence());
      context.forward(record.withKey(finding.fingerprint()).withValue(finding));
      metrics.finding();
    }
  }

  private void sweep() {
    if (newestMs == Long.MIN_VALUE) {
      return;
    }
    long horizon = newestMs - ttlMs;
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = items.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        if (entry.value == null || entry.value < horizon) {
          expired.add(entry.key);
        }
      }
    }
    expired.forEach(items::delete);
    expired.clear();
    try (KeyValueIterator<String, SubjectState> it = subjects.all()) {
      while (it.hasNext()) {
        KeyValue<String, SubjectState> entry = it.next();
        if (entry.value == null || entry.value.lastSeenMs() < horizon) {
          expired.add(entry.key);
        }
      }
    }
    expired.forEach(subjects::delete);
  }
}
