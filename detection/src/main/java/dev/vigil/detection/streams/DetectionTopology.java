package dev.vigil.detection.streams;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.parsing.ParseResult;
import dev.vigil.detection.stateful.LiveOnlyProcessor;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.detection.stateful.StatefulTopology;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The detection topology: raw audit records in, findings and rejected records out.
 *
 * <pre>
 * vigil.audit.raw.v1 ─▶ parse-audit-v1 ─▶ audit-route-v1-rejected ─▶ vigil.audit.dlq.v1 (+ vigil-reason)
 *                                      └▶ audit-route-v1-valid ─▶ stage-filter-v1 [stage-dedup-v2]
 *                                                               ─▶ detect-live-only-v1 ─▶ detect-v1 ─▶ vigil.findings.v1
 *                                                                  (rules in shadow mode: ─▶ vigil.findings.shadow.v1, sampled)
 *                                                               ─▶ stateful detectors ─▶ vigil.findings.v1
 * </pre>
 *
 * Every processor, store, source and sink is named, with a version, so a change of topology shape
 * never silently renames state.
 */
public final class DetectionTopology {

  static final String SOURCE = "audit-raw-source-v1";
  static final String PARSE = "parse-audit-v1";
  static final String ROUTE = "audit-route-v1-";
  static final String DLQ_VALUE = "audit-dlq-value-v1";
  static final String DLQ_SINK = "audit-dlq-sink-v1";
  static final String VALID_VALUE = "audit-valid-value-v1";
  static final String STAGE_FILTER = "stage-filter-v1";
  /** v2: keyed {@code workspace/cluster/auditID} (v1 lacked the workspace). */
  static final String STAGE_DEDUP_STORE = "stage-dedup-v2";
  /** Drops backfilled history older than the horizon before the single-event detectors. */
  static final String LIVE_ONLY = "detect-live-only-v1";
  static final String DETECT = "detect-v1";
  static final String FINDINGS_SINK = "findings-sink-v1";

  /**
   * How long an auditID seen at {@code ResponseStarted} is remembered: a streaming session ({@code
   * kubectl exec}) that outlives it would be reported again when it ends.
   */
  static final Duration STAGE_DEDUP_RETENTION = Duration.ofHours(24);

  private DetectionTopology() {}

  /** Adds the topology with the built-in catalogue (minus what {@code config} disables). */
  public static void addTo(StreamsBuilder builder, DetectionConfig config) {
    addTo(builder, config, DetectorCatalogue.builtIn(config));
  }

  /** Adds the topology running {@code catalogue}. */
  public static void addTo(
      StreamsBuilder builder, DetectionConfig config, DetectorCatalogue catalogue) {
    addTo(builder, config, () -> catalogue);
  }

  /**
   * Adds the topology running whatever catalogue {@code catalogue} supplies when an event arrives,
   * so that the detectors (Sigma rules reloaded from disk) can change while the application runs
   * without touching its state. The supplier is called once per event and must be cheap and
   * thread-safe, for example an {@code AtomicReference::get}.
   */
  public static void addTo(
      StreamsBuilder builder, DetectionConfig config, Supplier<DetectorCatalogue> catalogue) {
    DetectionMetrics metrics = new DetectionMetrics(config.meterRegistry(), catalogue.get());
    // Stateful rules shape the topology (their stores), so they are fixed when it is built: those
    // of the built-in catalogue, whichever single-event catalogue the supplier hands out later.
    List<StatefulRule> stateful = DetectorCatalogue.builtIn(config).statefulRules();
    Topic<String, byte[]> raw = Topics.AUDIT_RAW;
    Topic<String, byte[]> dlq = Topics.AUDIT_DLQ;
    Topic<String, Finding> findings = Topics.FINDINGS;

    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(
                STAGE_DEDUP_STORE, STAGE_DEDUP_RETENTION, STAGE_DEDUP_RETENTION, false),
            Serdes.String(),
            Serdes.Long()));

    // The raw key (workspace/cluster/user) is kept as bytes: the DLQ writes it back as received, and
    // the stateful detectors set their key from the validated record, so decoding it is wasted work.
    KStream<byte[], ParseResult> parsed =
        builder.stream(
                raw.name(), Consumed.with(Serdes.ByteArray(), raw.valueSerde()).withName(SOURCE))
            .processValues(() -> new ParseAuditProcessor(metrics), Named.as(PARSE));

    parsed
        .split(Named.as(ROUTE))
        .branch(
            (key, result) -> result.isRejected(),
            Branched.withConsumer(
                rejected ->
                    rejected
                        .mapValues(ParseResult::raw, Named.as(DLQ_VALUE))
                        .to(
                            dlq.name(),
                            Produced.with(Serdes.ByteArray(), dlq.valueSerde())
                                .withName(DLQ_SINK)),
                "rejected"))
        .defaultBranch(
            Branched.withConsumer(
                valid -> {
                  KStream<byte[], AuditRecord> staged =
                      valid
                          .mapValues(ParseResult::valid, Named.as(VALID_VALUE))
                          .processValues(
                              () ->
                                  new StageFilterProcessor(
                                      STAGE_DEDUP_STORE,
                                      STAGE_DEDUP_RETENTION.toMillis(),
                                      metrics),
                              Named.as(STAGE_FILTER),
                              STAGE_DEDUP_STORE);
                  KStream<String, Finding> detected =
                      staged
                          .processValues(
                              () ->
                                  new LiveOnlyProcessor<byte[]>(
                                      config.backfillHorizon(), metrics.historicalCounter()),
                              Named.as(LIVE_ONLY))
                          .process(() -> new DetectProcessor(catalogue, metrics), Named.as(DETECT));
                  ShadowFindings.split(detected, catalogue, config.meterRegistry())
                      .to(
                          findings.name(),
                          Produced.with(findings.keySerde(), findings.valueSerde())
                              .withName(FINDINGS_SINK));
                  // The stateful detectors read the same one-stage-per-request stream.
                  StatefulTopology.addTo(
                      builder, staged, stateful, config.stateful(), config.meterRegistry(),
                      config.backfillHorizon());
                },
                "valid"));
  }

  /** The topology with the built-in catalogue, on its own builder. */
  public static Topology build(DetectionConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, config);
    return builder.build();
  }
}
