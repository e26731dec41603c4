package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.stateful.StatefulConfig.Threshold;
import dev.vigil.detection.stateful.WindowRule.Observation;
import dev.vigil.detection.stateful.WindowState.Added;
import dev.vigil.detection.stateful.WindowState.Obs;
import dev.vigil.detection.stateful.WindowState.Report;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs one {@link WindowRule} per principal (the record key, {@code cluster/user}) on its store.
 * Event time is {@code stageTimestamp}. A triggered burst is reported by a <em>wall-clock</em>
 * punctuator, so it is reported within one punctuation interval even when no further event comes;
 * what joins the burst afterwards is reported as updates (the alert adds their counts).
 *
 * <p>The keys with something to report are also held in memory; that set is rebuilt from the store
 * at {@link #init}, which Kafka Streams calls after restoring the store, so a restart loses nothing.
 */
final class WindowProcessor implements Processor<String, AuditRecord, String, Finding> {

  private final WindowRule rule;
  private final String storeName;
  private final long graceMs;
  private final Duration punctuation;
  private final StatefulMetrics metrics;
  private final Set<String> due = new LinkedHashSet<>();
  private final List<Report> flushed = new ArrayList<>();
  private ProcessorContext<String, Finding> context;
  private KeyValueStore<String, WindowState> store;

  WindowProcessor(WindowRule rule, String storeName, StatefulConfig config, StatefulMetrics metrics) {
    this.rule = rule;
    this.storeName = storeName;
    this.graceMs = config.grace().toMillis();
    this.punctuation = config.punctuation();
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Finding> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<String, WindowState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, WindowState> entry = it.next();
        if (entry.value != null && entry.value.hasPending()) {
          due.add(entry.key);
        }
      }
    }
    context.schedule(punctuation, PunctuationType.WALL_CLOCK_TIME, this::report);
    // Idle principals are dropped once their window and grace have passed on the wall clock.
    long idleMs = rule.maxWindowMs() + graceMs;
    context.schedule(Duration.ofMillis(Math.max(idleMs, 1_000)), PunctuationType.WALL_CLOCK_TIME,
        now -> sweep(now, idleMs));
  }

  @Override
  public void process(Record<String, AuditRecord> record) {
    AuditEvent event = record.value().event();
    Observation observation = rule.observe(event);
    if (observation == null) {
      return;
    }
    String key = record.key();
    WindowState state = store.get(key);
    if (state == null) {
      state = new WindowState(record.value().cluster(), record.value().workspace(), event.username());
    }
    List<String> ips = event.sourceIPs();
    Obs obs = new Obs(event.stageTimestamp().toEpochMilli(), observation, event.auditID(),
        record.value().receivedMs(), event.userAgent(), ips == null || ips.isEmpty() ? null : ips.get(0));
    flushed.clear();
    Added added = state.add(obs, rule, graceMs, context.currentSystemTimeMs(), flushed);
    if (added == Added.LATE) {
      metrics.late();
      return;
    }
    for (Report report : flushed) {
      forward(state, report);
    }
    store.put(key, state);
    if (state.hasPending()) {
      due.add(key);
    }
  }

  private void report(long now) {
    if (due.isEmpty()) {
      return;
    }
    for (String key : due) {
      WindowState state = store.get(key);
      Report report = state == null ? null : state.takeReport();
      if (report != null) {
        forward(state, report);
        store.put(key, state);
      }
    }
    due.clear();
  }

  private void sweep(long now, long idleMs) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, WindowState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, WindowState> entry = it.next();
        if (entry.value == null || entry.value.expired(now, idleMs)) {
          expired.add(entry.key);
        }
      }
    }
    for (String key : expired) {
      store.delete(key);
    }
  }

  private void forward(WindowState state, Report report) {
    Threshold threshold = rule.thresholds().get(report.dimension());
    Map<String, String> evidence = new TreeMap<>();
    evidence.put("threshold", Integer.toString(threshold.count()));
    evidence.put("window", threshold.window().toString());
    evidence.put("dimension", report.dimension());
    evidence.put("distinctCount", Integer.toString(report.distinct()));
    evidence.put("distinctValues", String.join(", ", report.labels()));
    evidence.put("totalCount", Long.toString(report.total()));
    if (!report.first()) {
      evidence.put("update", "true");
    }
    if (report.userAgent() != null) {
      evidence.put("userAgent", report.userAgent());
    }
    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", state.user));
    if (!report.sourceIps().isEmpty()) {
      evidence.put("sourceIPs", String.join(",", report.sourceIps()));
      for (String ip : report.sourceIps()) {
        entities.add(Entity.of("ip", ip));
      }
    }
    Finding finding = StatefulFindings.aggregate(
        rule.info(),
        rule.info().severity(),
        state.workspace,
        state.cluster,
        state.user,
        entities,
        rule.describe(state.user, state.cluster, report.dimension(), report.distinct(), threshold),
        Instant.ofEpochMilli(report.start()),
        Instant.ofEpochMilli(report.end()),
        report.count(),
        report.auditIds(),
        report.receivedMs(),
        evidence);
    context.forward(new Record<>(finding.fingerprint(), finding, Math.max(report.end(), 0)));
    metrics.finding();
  }
}
