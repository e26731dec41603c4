package dev.vigil.ingest.identity;

import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topics#CLUSTERS} and {@link Topics#API_TOKENS} from the beginning and follows them, so
 * that bearer tokens resolve in memory: all that a role which only checks tokens (the alerts API)
 * needs. It writes nothing; {@link ClusterRegistry} adds the writes on top of one.
 */
public final class IdentityReader implements CallerResolver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdentityReader.class);

  private final Registrations registrations;
  private final CompactedTopicFollower follower;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  /**
   * @param kafkaClientConfig common Kafka client settings: at least {@code bootstrap.servers}, plus any
   *     security settings
   */
  public IdentityReader(Map<String, Object> kafkaClientConfig) {
    this(kafkaClientConfig, new Registrations());
  }

  IdentityReader(Map<String, Object> kafkaClientConfig, Registrations registrations) {
    this.registrations = registrations;
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    this.follower =
        new CompactedTopicFollower(
            config,
            "vigil-registry-reader",
            List.of(Topics.CLUSTERS.name(), Topics.API_TOKENS.name()),
            CompactedTopicFollower.Start.beginning(),
            new Listener());
  }

  /** Starts following the topics in the background. */
  public IdentityReader start() {
    follower.start();
    return this;
  }

  /** Waits until everything written before the start has been read; the readiness signal. */
  public boolean awaitCaughtUp(Duration timeout) {
    try {
      caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the registry reader failed", e.getCause());
    }
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone();
  }

  /** Resolves a cluster ingest token or an API token; an in-memory lookup that never blocks. */
  @Override
  public Optional<Caller> resolve(String bearerToken) {
    return registrations.tokens().resolve(bearerToken);
  }

  Registrations registrations() {
    return registrations;
  }

  /** Stops following and closes the consumer. */
  @Override
  public void close() {
    follower.close();
  }

  private final class Listener implements CompactedTopicFollower.Listener {
    @Override
    public void record(ConsumerRecord<String, byte[]> record) {
      if (record.key() != null) {
        registrations.apply(record.topic(), record.key(), record.value(), record.offset());
      }
    }

    @Override
    public void caughtUp() {
      log.info(
          "cluster registry caught up: {} clusters, {} API tokens",
          registrations.clusterCount(),
          registrations.apiTokenCount());
      caughtUp.complete(null);
    }

    @Override
    public void waiting(String topic) {
      log.info("waiting for topic {} to exist", topic);
    }

    @Override
    public boolean retry(KafkaException e) {
      log.warn("cluster registry cannot read Kafka, retrying: {}", e.toString());
      return true;
    }

    @Override
    public void failed(RuntimeException e) {
      log.error("cluster registry reader stopped", e);
      caughtUp.completeExceptionally(e);
    }
  }
}
