package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Drops historical records ({@link AuditRecord#historical}: backfilled and older than the backfill
 * horizon, against the stream's wall clock) in front of the detectors that only alert: single-event
 * detectors, windows, sequences and threat intelligence. Baselines read the unfiltered stream, so
 * history teaches them.
 */
public final class LiveOnlyProcessor<K> implements FixedKeyProcessor<K, AuditRecord, AuditRecord> {

  private final long horizonMs;
  private final Counter historical;
  private FixedKeyProcessorContext<K, AuditRecord> context;

  /** {@code historical} counts what is dropped; null counts nothing (a second instance). */
  public LiveOnlyProcessor(Duration horizon, Counter historical) {
    this.horizonMs = horizon.toMillis();
    this.historical = historical;
  }

  @Override
  public void init(FixedKeyProcessorContext<K, AuditRecord> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<K, AuditRecord> record) {
    if (record.value().historical(context.currentSystemTimeMs(), horizonMs)) {
      if (historical != null) {
        historical.increment();
      }
      return;
    }
    context.forward(record);
  }
}
