package dev.vigil.alerts;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** Kafka Streams settings of the {@value #APPLICATION_ID} application. */
public final class AlertsApp {

  public static final String APPLICATION_ID = "vigil-alerts";

  private AlertsApp() {}

  /**
   * Streams properties for {@link AlertsTopology}: exactly-once v2, 100 ms commits (the commit
   * interval bounds how soon a read-committed consumer sees an alert), one stream thread, explicit
   * naming of every internal resource enforced, and no default serdes (the topology names its own).
   * Callers may override any entry before creating {@code KafkaStreams}.
   */
  public static Properties streamsProperties(String bootstrapServers, Path stateDir) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(stateDir, "stateDir");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // As detection's: each commit is a transaction and writes back the dirty cached store entries, and
    // 500 ms against 100 ms took the storm from 13,100–14,500 to 21,700–23,200 events/s, for about half
    // a second more alert latency (benchmarks/README.md, "Issue 15, round 6").
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    // Apply the processing-exception handler to the global alert table too (the default from Kafka 5.0).
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // A finding that cannot be read is logged and counted by Streams (dropped-records metric) rather
    // than stopping every alert behind it; findings are written by our own detection app.
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    return props;
  }
}
