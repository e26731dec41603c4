package dev.vigil.detection.streams;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.spi.Detector;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Shadow mode: findings of a detector in shadow mode ({@link Detector#shadow()}) are counted
 * ({@code vigil.findings.shadow{type}}) and a sample of them, at most {@value #SAMPLES_PER_MINUTE}
 * per alert type and wall-clock minute, written to {@link Topics#FINDINGS_SHADOW}; they never reach
 * the findings topic, so they never become alerts.
 *
 * <pre>
 * detect-v1 ─▶ findings-route-v1-shadow ─▶ shadow-sample-v1 ─▶ shadow-findings-sink-v1 ─▶ vigil.findings.shadow.v1
 *           └▶ findings-route-v1-live ─▶ (the findings sink)
 * </pre>
 */
final class ShadowFindings {

  static final String ROUTE = "findings-route-v1-";
  static final String SAMPLE = "shadow-sample-v1";
  static final String SINK = "shadow-findings-sink-v1";
  /** Findings of one shadow rule written to the shadow topic per wall-clock minute, at most. */
  static final int SAMPLES_PER_MINUTE = 10;
  /** Findings of rules in shadow mode, counted whether sampled or not. */
  static final String SHADOW = "vigil.findings.shadow";

  private ShadowFindings() {}

  /** Sends the shadow findings of {@code findings} to the shadow topic; returns the others. */
  static KStream<String, Finding> split(
      KStream<String, Finding> findings,
      Supplier<DetectorCatalogue> catalogue,
      MeterRegistry registry) {
    Topic<String, Finding> topic = Topics.FINDINGS_SHADOW;
    Map<String, KStream<String, Finding>> routes =
        findings
            .split(Named.as(ROUTE))
            .branch(
                (key, finding) -> shadow(catalogue.get(), finding.alertType()),
                Branched.withConsumer(
                    shadow ->
                        shadow
                            .processValues(() -> new Sample(registry), Named.as(SAMPLE))
                            .to(
                                topic.name(),
                                Produced.with(topic.keySerde(), topic.valueSerde())
                                    .withName(SINK)),
                    "shadow"))
            .defaultBranch(Branched.as("live"));
    return routes.get(ROUTE + "live");
  }

  static boolean shadow(DetectorCatalogue catalogue, String alertType) {
    Optional<Detector> detector = catalogue.get(alertType);
    return detector.isPresent() && detector.get().shadow();
  }

  /** Counts every shadow finding and forwards the first few of each type per minute. */
  private static final class Sample implements FixedKeyProcessor<String, Finding, Finding> {
    private final MeterRegistry registry;
    private final Map<String, long[]> minutes = new HashMap<>();
    private FixedKeyProcessorContext<String, Finding> context;

    Sample(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Finding> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Finding> record) {
      String type = record.value().alertType();
      Counter.builder(SHADOW)
          .description("Findings of rules in shadow mode (not alerted), by alert type")
          .tag("type", type)
          .register(registry)
          .increment();
      long minute = context.currentSystemTimeMs() / 60_000;
      long[] window = minutes.computeIfAbsent(type, t -> new long[] {minute, 0});
      if (window[0] != minute) {
        window[0] = minute;
        window[1] = 0;
      }
      if (window[1]++ < SAMPLES_PER_MINUTE) {
        context.forward(record);
      }
    }
  }
}
