package dev.vigil.alerts.incidents;

import dev.vigil.alerts.AlertsApp;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings of the {@value #APPLICATION_ID} application: those of the alerts application
 * (exactly-once v2, explicit naming enforced, no default serdes) under its own application id, so its
 * consumer group, state and internal topics are its own.
 */
public final class IncidentsApp {

  public static final String APPLICATION_ID = "vigil-incidents";

  private IncidentsApp() {}

  /** Streams properties for {@link IncidentsTopology}; callers may override any entry. */
  public static Properties streamsProperties(String bootstrapServers, Path stateDir) {
    Properties props = AlertsApp.streamsProperties(bootstrapServers, stateDir);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    return props;
  }
}
