package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.stateful.SequenceState.Pair;
import dev.vigil.detection.stateful.SequenceState.Step;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs one {@link SequenceRule}: pairs its first step with a later second step by the same principal
 * (record key {@code workspace/cluster/user}) within the rule's time, in event time. A completed
 * sequence is a finding at once, since its last event has arrived; idle principals are dropped by a
 * wall-clock punctuator.
 */
final class SequenceProcessor implements Processor<String, AuditRecord, String, Finding> {

  private final SequenceRule rule;
  private final String storeName;
  private final long withinMs;
  private final long graceMs;
  private final Duration within;
  private final StatefulMetrics metrics;
  private ProcessorContext<String, Finding> context;
  private KeyValueStore<String, SequenceState> store;

  SequenceProcessor(
      SequenceRule rule, String storeName, StatefulConfig config, StatefulMetrics metrics) {
    this.rule = rule;
    this.storeName = storeName;
    this.within = rule.within();
    this.withinMs = within.toMillis();
    this.graceMs = config.grace().toMillis();
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Finding> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    long idleMs = withinMs + graceMs;
    context.schedule(Duration.ofMillis(Math.max(idleMs, 1_000)), PunctuationType.WALL_CLOCK_TIME,
        now -> sweep(now, idleMs));
  }

  @Override
  public void process(Record<String, AuditRecord> record) {
    AuditEvent event = record.value().event();
    SequenceRule.Step kind = rule.step(event);
    if (kind == null) {
      return;
    }
    String key = record.key();
    SequenceState state = store.get(key);
    if (state == null) {
      state = new SequenceState(record.value().cluster(), record.value().workspace(), event.username());
    }
    boolean first = kind == SequenceRule.Step.FIRST;
    String label = rule.label(event);
    Step step = new Step(event.stageTimestamp().toEpochMilli(), event.auditID(), label,
        rule.entityType(event, kind), label, record.value().receivedMs());
    List<Pair> pairs = state.add(step, first, withinMs, graceMs, context.currentSystemTimeMs());
    if (pairs == null) {
      metrics.late();
      return;
    }
    store.put(key, state);
    for (Pair pair : pairs) {
      forward(state, pair);
    }
  }

  private void forward(SequenceState state, Pair pair) {
    Step first = pair.first();
    Step second = pair.second();
    long seconds = (second.t - first.t) / 1000;
    Map<String, String> evidence = new TreeMap<>(rule.evidence(first.label, second.label));
    evidence.put("within", within.toString());
    evidence.put("secondsBetween", Long.toString(seconds));
    Finding finding = StatefulFindings.aggregate(
        rule.info(),
        rule.info().severity(),
        state.workspace,
        state.cluster,
        state.user,
        List.of(Entity.of("user", state.user), Entity.of(first.entityType, first.entityName),
            Entity.of(second.entityType, second.entityName)),
        rule.describe(state.user, state.cluster, first.label, second.label, seconds),
        Instant.ofEpochMilli(first.t),
        Instant.ofEpochMilli(second.t),
        1,
        List.of(first.auditId, second.auditId),
        Math.max(first.receivedMs, second.receivedMs),
        evidence);
    context.forward(new Record<>(finding.fingerprint(), finding, Math.max(second.t, 0)));
    metrics.finding();
  }

  private void sweep(long now, long idleMs) {
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, SequenceState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, SequenceState> entry = it.next();
        if (entry.value == null || entry.value.idle(now, idleMs)) {
          idle.add(entry.key);
        }
      }
    }
    for (String key : idle) {
      store.delete(key);
    }
  }
}
