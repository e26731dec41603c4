package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.stateful.RbacThenWorkloadRule.Kind;
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
 * Pairs an RBAC grant with a later workload create or exec by the same principal (record key {@code
 * cluster/user}) within the configured time, in event time. A completed sequence is a finding at
 * once, since its last event has arrived; idle principals are dropped by a wall-clock punctuator.
 */
final class SequenceProcessor implements Processor<String, AuditRecord, String, Finding> {

  private final String storeName;
  private final long withinMs;
  private final long graceMs;
  private final Duration within;
  private final StatefulMetrics metrics;
  private ProcessorContext<String, Finding> context;
  private KeyValueStore<String, SequenceState> store;

  SequenceProcessor(String storeName, StatefulConfig config, StatefulMetrics metrics) {
    this.storeName = storeName;
    this.within = config.rbacThenWorkload();
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
    Kind kind = RbacThenWorkloadRule.classify(event);
    if (kind == null) {
      return;
    }
    String key = record.key();
    SequenceState state = store.get(key);
    if (state == null) {
      state = new SequenceState(record.value().cluster(), record.value().workspace(), event.username());
    }
    boolean grant = kind == Kind.GRANT;
    Step step = new Step(event.stageTimestamp().toEpochMilli(), event.auditID(),
        RbacThenWorkloadRule.label(event), grant ? "binding" : "workload",
        RbacThenWorkloadRule.label(event), record.value().receivedMs());
    if (grant && event.resource().endsWith("roles")) {
      step.entityType = "role";
    }
    List<Pair> pairs = state.add(step, grant, withinMs, graceMs, context.currentSystemTimeMs());
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
    Step grant = pair.first();
    Step then = pair.second();
    Map<String, String> evidence = new TreeMap<>();
    evidence.put("rbacChange", grant.label);
    evidence.put("followedBy", then.label);
    evidence.put("within", within.toString());
    evidence.put("secondsBetween", Long.toString((then.t - grant.t) / 1000));
    Finding finding = StatefulFindings.aggregate(
        RbacThenWorkloadRule.INFO,
        RbacThenWorkloadRule.INFO.severity(),
        state.workspace,
        state.cluster,
        state.user,
        List.of(Entity.of("user", state.user), Entity.of(grant.entityType, grant.entityName),
            Entity.of(then.entityType, then.entityName)),
        state.user + " changed RBAC (" + grant.label + ") and " + ((then.t - grant.t) / 1000)
            + " s later did " + then.label + " in cluster " + state.cluster
            + ": a grant used at once to run code.",
        Instant.ofEpochMilli(grant.t),
        Instant.ofEpochMilli(then.t),
        1,
        List.of(grant.auditId, then.auditId),
        Math.max(grant.receivedMs, then.receivedMs),
        evidence);
    context.forward(new Record<>(finding.fingerprint(), finding, Math.max(then.t, 0)));
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
