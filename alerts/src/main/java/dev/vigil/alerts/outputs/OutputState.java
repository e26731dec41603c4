package dev.vigil.alerts.outputs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one output's delivery has done, as this instance sees it: the meters {@code
 * vigil_output_delivered_total}, {@code _retried_total}, {@code _failed_total}, {@code
 * _throttled_total}, {@code vigil_output_lag} and {@code vigil_output_failing}, all tagged {@code
 * output}, and the state that {@code GET /v1/outputs} shows.
 */
final class OutputState {
  static final String DELIVERED = "vigil.output.delivered";
  static final String RETRIED = "vigil.output.retried";
  static final String FAILED = "vigil.output.failed";
  static final String THROTTLED = "vigil.output.throttled";
  static final String LAG = "vigil.output.lag";
  static final String FAILING = "vigil.output.failing";

  /** The state an output is in, as {@code GET /v1/outputs} shows it. */
  public record View(String state, long delivered, long retried, long failed, long throttled, long lag,
      Instant lastDeliveredAt, String lastError, Instant lastErrorAt) {}

  private final MeterRegistry registry;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final Counter throttled;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong failing = new AtomicLong();
  private final List<Meter> meters;
  private volatile Instant lastDeliveredAt;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  OutputState(MeterRegistry registry, String output) {
    this.registry = registry;
    this.delivered = Counter.builder(DELIVERED).description("Messages an output's receiver accepted")
        .tag("output", output).register(registry);
    this.retried = Counter.builder(RETRIED).description("Deliveries tried again after a failure")
        .tag("output", output).register(registry);
    this.failed = Counter.builder(FAILED).description("Delivery attempts the receiver did not accept")
        .tag("output", output).register(registry);
    this.throttled = Counter.builder(THROTTLED).description("Alerts held back by throttling and counted into a digest")
        .tag("output", output).register(registry);
    Gauge lagGauge = Gauge.builder(LAG, lag, AtomicLong::get)
        .description("Alert records not yet delivered (or skipped) by this output").tag("output", output).register(registry);
    Gauge failingGauge = Gauge.builder(FAILING, failing, AtomicLong::get)
        .description("1 while the output's receiver refuses deliveries").tag("output", output).register(registry);
    this.meters = List.of(delivered, retried, failed, throttled, lagGauge, failingGauge);
  }

  void delivered() {
    delivered.increment();
    lastDeliveredAt = Instant.now();
    failing.set(0);
  }

  void failed(String error, boolean retrying) {
    failed.increment();
    if (retrying) {
      retried.increment();
    }
    lastError = error;
    lastErrorAt = Instant.now();
    failing.set(1);
  }

  void throttled() {
    throttled.increment();
  }

  void lag(long records) {
    lag.set(records);
  }

  View view() {
    return new View(failing.get() == 1 ? "failing" : "ok", (long) delivered.count(), (long) retried.count(),
        (long) failed.count(), (long) throttled.count(), lag.get(), lastDeliveredAt, lastError, lastErrorAt);
  }

  void unregister() {
    meters.forEach(registry::remove);
  }
}
