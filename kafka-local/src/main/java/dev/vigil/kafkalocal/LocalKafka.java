package dev.vigil.kafkalocal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Kafka that Vigil runs on this machine: one broker in this JVM ({@link EmbeddedKafka}) or a cluster of
 * broker processes ({@link LocalKafkaCluster}). Clients need only {@link #clientProperties()}.
 */
public abstract sealed class LocalKafka implements AutoCloseable permits EmbeddedKafka, LocalKafkaCluster {
  private final Path dataDir;
  private final String bootstrapServers;
  private final Map<String, String> security;

  LocalKafka(Path dataDir, String bootstrapServers, Map<String, String> security) {
    this.dataDir = dataDir;
    this.bootstrapServers = bootstrapServers;
    this.security = security;
  }

  /** Every broker's client listener, comma-separated. */
  public final String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * What a Kafka client needs: {@code bootstrap.servers} and, where clients authenticate, Vigil's SASL
   * settings (a secret: never log them).
   */
  public final Map<String, String> clientProperties() {
    Map<String, String> p = new LinkedHashMap<>(security);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Collections.unmodifiableMap(p);
  }

  /** Whether clients must authenticate (started with {@code start}) or not ({@code startTemporary}). */
  public final boolean authenticated() {
    return !security.isEmpty();
  }

  /** The directory that holds the brokers' data and {@code client.properties}. */
  public final Path dataDir() {
    return dataDir;
  }

  /** Stops the broker(s) and waits until they have stopped; a temporary directory is removed. */
  @Override
  public abstract void close();
}
