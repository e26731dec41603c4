package dev.vigil.detection.config;

import dev.vigil.detection.stateful.StatefulConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the detection topology. Build it with {@link #defaults(MeterRegistry)} and the
 * {@code with*} methods, so that settings added later do not break callers.
 *
 * @param meterRegistry where the topology's counters are registered
 * @param disabledAlertTypes built-in detectors that are switched off; each must be a known alert type
 * @param rules allow-lists and data lists of the catalogue ({@link DetectionRules}), the shipped
 *     defaults unless a detection config file is given
 * @param stateful settings of the stateful detectors (baselines, windows, sequences, threat intel)
 * @param backfillHorizon a backfilled event (raw header {@code vigil-backfill: true}) older than this
 *     (event time, against the wall clock) teaches the baselines but raises no finding; live events
 *     are judged whatever their age
 */
public record DetectionConfig(
    MeterRegistry meterRegistry,
    Set<String> disabledAlertTypes,
    DetectionRules rules,
    StatefulConfig stateful,
    Duration backfillHorizon) {

  /** One day: backfilled history of the last day still alerts, anything older only teaches. */
  public static final Duration DEFAULT_BACKFILL_HORIZON = Duration.ofDays(1);

  public DetectionConfig {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    disabledAlertTypes = Set.copyOf(disabledAlertTypes);
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(stateful, "stateful");
    Objects.requireNonNull(backfillHorizon, "backfillHorizon");
    if (backfillHorizon.isNegative()) {
      throw new IllegalArgumentException(
          "backfill horizon " + backfillHorizon + " must not be negative");
    }
  }

  /** The settings before the backfill horizon was added, with its default. */
  public DetectionConfig(
      MeterRegistry meterRegistry,
      Set<String> disabledAlertTypes,
      DetectionRules rules,
      StatefulConfig stateful) {
    this(meterRegistry, disabledAlertTypes, rules, stateful, DEFAULT_BACKFILL_HORIZON);
  }

  /** The built-in detectors with the shipped rules, counters in {@code meterRegistry}. */
  public static DetectionConfig defaults(MeterRegistry meterRegistry) {
    return new DetectionConfig(
        meterRegistry, Set.of(), DetectionRules.defaults(), StatefulConfig.defaults());
  }

  public DetectionConfig withDisabledAlertTypes(Set<String> alertTypes) {
    return new DetectionConfig(meterRegistry, alertTypes, rules, stateful, backfillHorizon);
  }

  /** The same settings with these allow-lists and data lists. */
  public DetectionConfig withRules(DetectionRules rules) {
    return new DetectionConfig(meterRegistry, disabledAlertTypes, rules, stateful, backfillHorizon);
  }

  public DetectionConfig withStateful(StatefulConfig settings) {
    return new DetectionConfig(meterRegistry, disabledAlertTypes, rules, settings, backfillHorizon);
  }

  public DetectionConfig withBackfillHorizon(Duration horizon) {
    return new DetectionConfig(meterRegistry, disabledAlertTypes, rules, stateful, horizon);
  }
}
