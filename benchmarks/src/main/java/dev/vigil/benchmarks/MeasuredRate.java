package dev.vigil.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A ceiling measurement: records per second, and the generator JVM's CPU over the same window (in
 * self-contained mode the broker and every client of the measurement run there, and Vigil is idle).
 */
record MeasuredRate(double perSecond, double cpuCores) {

  /** How long a producer held back by {@code maxAhead} waits for the count to move before failing. */
  static final Duration STALL_LIMIT = Duration.ofMinutes(1);

  /** CPU microseconds the generator JVM spent per record counted. */
  double cpuMicrosPerRecord() {
    return cpuCores * 1e6 / perSecond;
  }

  /** {@code "the generator JVM used 1.80 cores = 17.3 µs per record"}. */
  String cpuText() {
    return String.format(Locale.ROOT, "the generator JVM used %.2f cores = %.1f µs per record",
        cpuCores, cpuMicrosPerRecord());
  }

  /**
   * Produces {@code record(0)}, {@code record(1)}, … as fast as the broker takes them, but never more
   * than {@code maxAhead} records ahead of {@code consumed} (which another thread counts), and measures
   * how fast {@code consumed} grows over {@code counted} after {@code warmup}.
   */
  static MeasuredRate whileProducing(
      Duration warmup,
      Duration counted,
      long maxAhead,
      Map<String, Object> producerConfig,
      LongFunction<ProducerRecord<String, byte[]>> record,
      AtomicLong consumed)
      throws InterruptedException {
    long start = System.nanoTime();
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + counted.toNanos();
    long atWindowStart = -1;
    long atWindowEnd = -1;
    long cpuAtStart = 0;
    long cpuAtEnd = 0;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      for (long i = 0; atWindowEnd < 0; i++) {
        producer.send(record.apply(i));
        if ((i & 1023) == 0) {
          long heldSince = System.nanoTime();
          while (i - consumed.get() > maxAhead) {
            if (System.nanoTime() - heldSince > STALL_LIMIT.toNanos()) {
              throw new IllegalStateException("nothing counted for " + STALL_LIMIT.toSeconds() + " s after "
                  + consumed.get() + " of " + i + " records produced");
            }
            Thread.sleep(1);
          }
          long now = System.nanoTime();
          if (atWindowStart < 0 && now >= windowStart) {
            atWindowStart = consumed.get();
            cpuAtStart = LoadGenerator.ownCpuNanos();
            windowStart = now;
          } else if (atWindowStart >= 0 && now >= windowEnd) {
            atWindowEnd = consumed.get();
            cpuAtEnd = LoadGenerator.ownCpuNanos();
            windowEnd = now;
          }
        }
      }
    }
    double seconds = (windowEnd - windowStart) / 1e9;
    return new MeasuredRate((atWindowEnd - atWindowStart) / seconds, (cpuAtEnd - cpuAtStart) / 1e9 / seconds);
  }
}
