package dev.vigil.app.settings;

import dev.vigil.app.StartupException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Kafka properties an operator passes through: for every client (security settings, for example), for
 * the gateway's producer, and for the Streams applications. Vigil's guarantees are not negotiable:
 * the properties that carry them are refused here rather than silently overridden later.
 *
 * @param client properties of every Kafka client Vigil creates
 * @param producer properties of the gateway's producer only
 * @param streams properties of the detection and alerts Streams applications only
 */
public record KafkaOverrides(Map<String, String> client, Map<String, String> producer, Map<String, String> streams) {

  /** Properties that would break "nothing accepted is lost" or exactly-once processing. */
  public static final Set<String> PROTECTED = Set.of("enable.idempotence", "acks", "processing.guarantee",
      "application.id", "key.serializer", "value.serializer", "bootstrap.servers");

  public KafkaOverrides {
    client = Map.copyOf(client);
    producer = Map.copyOf(producer);
    streams = Map.copyOf(streams);
    for (var entry : Map.of("--kafka-property", client, "--producer-property", producer,
        "--streams-property", streams).entrySet()) {
      for (String key : entry.getValue().keySet()) {
        if (PROTECTED.contains(key)) {
          throw new StartupException(entry.getKey() + " " + key + " cannot be set: Vigil fixes it to keep its "
              + "delivery guarantees (use --kafka-bootstrap for the cluster address)");
        }
        if (key.isBlank()) {
          throw new StartupException(entry.getKey() + " needs key=value");
        }
      }
    }
  }

  public static KafkaOverrides none() {
    return new KafkaOverrides(Map.of(), Map.of(), Map.of());
  }

  public static KafkaOverrides of(Map<String, String> client, Map<String, String> producer, Map<String, String> streams) {
    return new KafkaOverrides(nonNull(client), nonNull(producer), nonNull(streams));
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : new LinkedHashMap<>(map);
  }
}
