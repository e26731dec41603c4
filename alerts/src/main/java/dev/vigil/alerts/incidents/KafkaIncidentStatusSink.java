package dev.vigil.alerts.incidents;

import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.schemas.IncidentStatusChange;
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

/** Writes incident status changes to {@code vigil.incident-status.v1}: idempotent, {@code acks=all}. */
public final class KafkaIncidentStatusSink implements IncidentStatusSink, AutoCloseable {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, IncidentStatusChange> producer;

  /** @param kafkaClientConfig at least {@code bootstrap.servers}, plus any security settings */
  public KafkaIncidentStatusSink(Map<String, Object> kafkaClientConfig) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-incident-status-writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    producer = new KafkaProducer<>(config, new StringSerializer(),
        Topics.INCIDENT_STATUS.valueSerde().serializer());
  }

  @Override
  public void record(IncidentStatusChange change) {
    try {
      producer.send(new ProducerRecord<>(Topics.INCIDENT_STATUS.name(), change.incidentId(), change))
          .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlertStoreUnavailableException("interrupted while recording the incident status change", e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new AlertStoreUnavailableException(
          "Kafka did not acknowledge the incident status change; retry shortly", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(2));
  }
}
