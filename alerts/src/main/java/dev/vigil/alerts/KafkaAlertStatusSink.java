package dev.vigil.alerts;

import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes status changes to {@code vigil.alert-status.v1} with an idempotent, {@code acks=all} producer. */
public final class KafkaAlertStatusSink implements AlertStatusSink, AutoCloseable {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, AlertStatusChange> producer;

  /** @param kafkaClientConfig at least {@code bootstrap.servers}, plus any security settings */
  public KafkaAlertStatusSink(Map<String, Object> kafkaClientConfig) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-alert-status-writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    this.producer =
        new KafkaProducer<>(
            config, new StringSerializer(), Topics.ALERT_STATUS.valueSerde().serializer());
  }

  @Override
  public void record(AlertStatusChange change) {
    try {
      producer
          .send(new ProducerRecord<>(Topics.ALERT_STATUS.name(), change.alertId(), change))
          .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new AlertStoreUnavailableException(
          "Kafka did not acknowledge the status change; retry shortly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlertStoreUnavailableException("interrupted while recording the status change", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(2));
  }
}
