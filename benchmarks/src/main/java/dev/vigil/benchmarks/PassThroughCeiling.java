package dev.vigil.benchmarks;

import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The pass-through ceiling: what Kafka alone lets through the one hop every event of an alert storm
 * takes inside Vigil, with no work in it. The workload's records are produced as the gateway
 * produces them (idempotent, lz4) into a topic of the raw topic's partitions; a Kafka Streams
 * application with detection's own settings ({@link DetectionApp#streamsProperties}: exactly-once v2,
 * the same commit interval, one stream thread, the same producer batching) copies each record, as
 * it is, into a topic of the findings topic's partitions; a {@code read_committed} consumer, like the
 * alerts application's, counts what arrives. As for the sustained raw ceiling, a warm-up is not
 * counted. The producer stays at most {@link #MAX_AHEAD} records ahead of the consumer, as Vigil's
 * admission keeps the gateway a few seconds ahead of detection: a producer far ahead would spend the
 * copier's CPU on records the window never counts.
 *
 * <p>Vigil does all of this for every storm event and more besides (HTTPS, gzip, parsing, detectors,
 * changelogs, the alerts side), so its processed rate cannot exceed this figure on the same machine;
 * the ratio between the two is the part of the budget Vigil's own work takes.
 */
final class PassThroughCeiling {

  /** How far the producer may run ahead of what the consumer counted: one to two seconds of copying. */
  static final long MAX_AHEAD = 150_000;

  private final Map<String, Object> clientConfig;
  private final String bootstrap;
  private final Properties kafkaSecurity;

  /**
   * @param clientConfig admin and producer settings of the broker (bootstrap and security)
   * @param bootstrap the broker's bootstrap servers
   * @param kafkaSecurity the broker's client security settings (empty for a plaintext broker)
   */
  PassThroughCeiling(Map<String, Object> clientConfig, String bootstrap, Properties kafkaSecurity) {
    this.clientConfig = clientConfig;
    this.bootstrap = bootstrap;
    this.kafkaSecurity = kafkaSecurity;
  }

  /**
   * Records per second the consumer counted over {@code counted}, after {@code warmup}, while {@code
   * recordFor(topic, i)} records were produced as fast as the hop took them with {@code
   * producerConfig}. The scratch topics and the copier's state are removed afterwards.
   */
  MeasuredRate measure(
      Duration warmup,
      Duration counted,
      Map<String, Object> producerConfig,
      BiFunction<String, Long, ProducerRecord<String, byte[]>> recordFor)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String in = "vigil-bench-passthrough-in-" + suffix;
    String out = "vigil-bench-passthrough-out-" + suffix;
    Path stateDir = Files.createTempDirectory("vigil-bench-passthrough");
    try (Admin admin = Admin.create(clientConfig)) {
      admin.createTopics(List.of(
              new NewTopic(in, Topics.AUDIT_RAW.partitions(), (short) 1),
              new NewTopic(out, Topics.FINDINGS.partitions(), (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
      try (KafkaStreams copier = copier(in, out, suffix, stateDir)) {
        copier.start();
        AtomicLong consumed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread consumerThread = new Thread(
            () -> LoadGenerator.countUntil(kafkaSecurity, bootstrap, out, true, consumed, stop),
            "passthrough-consumer");
        consumerThread.start();
        try {
          awaitRunning(copier);
          return MeasuredRate.whileProducing(
              warmup, counted, MAX_AHEAD, producerConfig, n -> recordFor.apply(in, n), consumed);
        } finally {
          stop.set(true);
          consumerThread.join(TimeUnit.MINUTES.toMillis(1));
          copier.close(Duration.ofSeconds(30));
          admin.deleteTopics(List.of(in, out)).all().get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      LoadGenerator.deleteTree(stateDir);
    }
  }

  /** The copying application: detection's settings, its own application id and state directory. */
  private KafkaStreams copier(String in, String out, String suffix, Path stateDir) {
    Properties props = DetectionApp.streamsProperties(bootstrap, stateDir);
    kafkaSecurity.forEach((k, v) -> props.put(k, v));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "vigil-bench-passthrough-" + suffix);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("passthrough-source"))
        .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("passthrough-sink"));
    return new KafkaStreams(builder.build(), props);
  }

  private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      KafkaStreams.State state = streams.state();
      boolean failed = !state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED;
      if (failed || System.nanoTime() > deadline) {
        throw new IllegalStateException("pass-through application did not start: " + state);
      }
      Thread.sleep(100);
    }
  }
}
