package dev.vigil.detection.streams;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams settings of the {@value #APPLICATION_ID} application. */
public final class DetectionApp {

  public static final String APPLICATION_ID = "vigil-detection";

  /** Kafka Streams' {@code commit.interval.ms} of detection (the alerts applications use the same). */
  public static final int COMMIT_INTERVAL_MS = 500;

  private DetectionApp() {}

  /**
   * Streams properties for {@link DetectionTopology}: exactly-once v2; 500 ms commits (with
   * exactly-once, a finding becomes visible to the alerts application only at commit, so the commit
   * interval is part of alert latency); one stream thread; explicit naming of every internal resource
   * enforced; no default serdes, since the topology passes its own everywhere; lz4, a 20 ms linger and
   * 128 KiB batches on the producer (a findings batch is sent at the latest at commit, so a linger below the commit
   * interval adds no alert latency; each batch costs a new lz4 block, and in an alert storm a 5 ms
   * linger sent findings batches of one record). Callers may override any entry before creating {@code KafkaStreams}.
   */
  public static Properties streamsProperties(String bootstrapServers, Path stateDir) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(stateDir, "stateDir");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Each commit is a transaction (markers on every partition it wrote) and writes back every dirty
    // cached store entry: 500 ms against 100 ms took the storm from 13,100–14,500 to 21,700–23,200
    // events/s, for about half a second more alert latency (benchmarks/README.md, "Issue 15, round 6").
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
    return props;
  }
}
