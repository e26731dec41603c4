package dev.vigil.detection;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the detection topology. Build it with {@link #defaults(MeterRegistry)} and the
 * {@code with*} methods, so that settings added later do not break callers.
 *
 * @param meterRegistry where the topology's counters are registered
 * @param disabledAlertTypes built-in detectors that are switched off; each must be a known alert type
 */
public record DetectionConfig(MeterRegistry meterRegistry, Set<String> disabledAlertTypes) {

  public DetectionConfig {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    disabledAlertTypes = Set.copyOf(disabledAlertTypes);
  }

  /** Every built-in detector enabled, counters in {@code meterRegistry}. */
  public static DetectionConfig defaults(MeterRegistry meterRegistry) {
    return new DetectionConfig(meterRegistry, Set.of());
  }

  public DetectionConfig withDisabledAlertTypes(Set<String> alertTypes) {
    return new DetectionConfig(meterRegistry, alertTypes);
  }
}
