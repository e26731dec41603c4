package dev.vigil.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic as a typed contract.
 *
 * @param partitions partitions created when the topic does not exist yet
 * @param config topic configuration applied at creation (for example compaction)
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, Map<String, String> config) {

  public boolean compacted() {
    return "compact".equals(config.get("cleanup.policy"));
  }
}
