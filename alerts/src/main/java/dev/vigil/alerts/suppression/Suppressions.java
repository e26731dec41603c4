package dev.vigil.alerts.suppression;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.SuppressionRule;
import dev.vigil.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Suppression inside the alerts topology: the rules of {@code vigil.suppressions.v1} as a global
 * store, and the step that stores a new alert {@code Dismissed} when a rule matches it.
 *
 * <p>A global store (rather than a follower thread) keeps the decision inside Streams: a rule is
 * either in the store when the alert is created or not, and a replay after a crash decides alike.
 */
public final class Suppressions {

  /** Global store: rule id → rule, materialized from {@code vigil.suppressions.v1}. */
  public static final String STORE = "suppressions-by-id-v1";

  static final String SOURCE = "suppressions-global-source-v1";

  /** {@code changedBy} of the history entry a suppression writes: this prefix and the rule id. */
  public static final String CHANGED_BY_PREFIX = "suppression:";

  private Suppressions() {}

  /** Adds the global rule store to the alerts topology. */
  public static void addTo(StreamsBuilder builder) {
    builder.globalTable(
        Topics.SUPPRESSIONS.name(),
        Consumed.with(Topics.SUPPRESSIONS.keySerde(), Topics.SUPPRESSIONS.valueSerde()).withName(SOURCE),
        Materialized.<String, SuppressionRule, KeyValueStore<Bytes, byte[]>>as(STORE)
            .withKeySerde(Topics.SUPPRESSIONS.keySerde())
            .withValueSerde(Topics.SUPPRESSIONS.valueSerde()));
  }

  /** True when the alert's current status was set by a suppression rule (so it is not notified). */
  public static boolean suppressed(Alert alert) {
    if (alert.status() != AlertStatus.Dismissed || alert.history().isEmpty()) {
      return false;
    }
    String by = alert.history().get(alert.history().size() - 1).changedBy();
    return by != null && by.startsWith(CHANGED_BY_PREFIX);
  }

  /** The rule id of a suppressed alert's last history entry, or null. */
  public static String ruleOf(Alert alert) {
    return suppressed(alert)
        ? alert.history().get(alert.history().size() - 1).changedBy().substring(CHANGED_BY_PREFIX.length())
        : null;
  }

  /** {@code alert} dismissed by {@code rule} at {@code now}, the rule named in its history. */
  public static Alert dismiss(Alert alert, SuppressionRule rule, Instant now) {
    String comment = "suppressed by rule " + rule.id() + (rule.reason() == null ? "" : ": " + rule.reason());
    return alert.withStatus(
        new AlertHistoryEntry(AlertStatus.Dismissed, comment, CHANGED_BY_PREFIX + rule.id(), now));
  }

  /** The step a processor runs on each alert it creates; reads the global rule store. */
  public static final class Step {
    private ReadOnlyKeyValueStore<String, Object> rules;

    /** Looks up the rule store; call from the processor's {@code init}. */
    public void init(ProcessorContext<?, ?> context) {
      rules = context.getStateStore(STORE);
    }

    /** {@code created} dismissed by the first matching rule, or {@code created} itself. */
    public Alert apply(Alert created, long nowMs) {
      Instant now = Instant.ofEpochMilli(nowMs);
      List<SuppressionRule> all = new ArrayList<>();
      try (KeyValueIterator<String, Object> it = rules.all()) {
        it.forEachRemaining(kv -> {
          Object value = kv.value instanceof ValueAndTimestamp<?> t ? t.value() : kv.value;
          if (value instanceof SuppressionRule rule) {
            all.add(rule);
          }
        });
      }
      return SuppressionMatcher.firstMatch(all, created, now)
          .map(rule -> dismiss(created, rule, now))
          .orElse(created);
    }
  }
}
