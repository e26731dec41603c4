package dev.vigil.ingest.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The follower the registry, the live alert stream and the load generator share, on a real broker:
 * where it starts, when it says it caught up, waiting for a topic, and its last call.
 */
class CompactedTopicFollowerIT {
  private static final String TOPIC = Topics.ALERTS.name();
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stop() throws Exception {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static long send(int partition, String key, String value) throws Exception {
    return producer.send(new ProducerRecord<>(TOPIC, partition, key,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS).offset();
  }

  /** Records what the follower tells. */
  private static final class Recorder implements CompactedTopicFollower.Listener {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile Map<TopicPartition, Long> positions;
    final CountDownLatch caughtUp = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void started(Map<TopicPartition, Long> positions) {
      this.positions = positions;
      calls.add("started");
    }

    @Override
    public void record(ConsumerRecord<String, byte[]> record) {
      keys.add(record.key() + (record.value() == null ? " (tombstone)" : ""));
    }

    @Override
    public void caughtUp() {
      calls.add("caughtUp with " + keys.size());
      caughtUp.countDown();
    }

    @Override
    public void waiting(String topic) {
      if (!calls.contains("waiting for " + topic)) {
        calls.add("waiting for " + topic);
      }
    }

    @Override
    public void closed() {
      calls.add("closed");
      closed.countDown();
    }
  }

  private static CompactedTopicFollower follower(List<String> topics, CompactedTopicFollower.Start start,
      Recorder recorder) {
    return new CompactedTopicFollower(Map.of("bootstrap.servers", kafka.bootstrapServers()), "follower-it",
        topics, start, recorder);
  }

  @Test
  void fromTheBeginningItHandsOverWhatWasThereThenSaysCaughtUpThenFollows() throws Exception {
    send(0, "b-1", "x");
    send(1, "b-2", "y");
    send(0, "b-1", null);
    Recorder recorder = new Recorder();
    try (CompactedTopicFollower follower =
        follower(List.of(TOPIC), CompactedTopicFollower.Start.beginning(), recorder).start()) {
      assertThat(recorder.caughtUp.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.keys).contains("b-1", "b-2", "b-1 (tombstone)");
      assertThat(recorder.calls.get(0)).isEqualTo("started");
      assertThat(recorder.positions).hasSize(Topics.ALERTS.partitions());
      assertThat(recorder.positions.keySet()).extracting(TopicPartition::partition)
          .containsExactly(0, 1, 2, 3, 4, 5);

      send(2, "b-3", "z");
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.keys.contains("b-3"));
    }
    assertThat(recorder.closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(recorder.calls).endsWith("closed");
  }

  @Test
  void fromTheEndOrFromOffsetsItSkipsWhatCameBefore() throws Exception {
    send(3, "e-old", "x");
    long second = send(3, "e-kept", "y");
    Recorder fromEnd = new Recorder();
    Recorder fromOffset = new Recorder();
    try (CompactedTopicFollower end = follower(List.of(TOPIC), CompactedTopicFollower.Start.end(), fromEnd).start();
        CompactedTopicFollower offsets = follower(List.of(TOPIC),
            p -> p.partition() == 3 ? second : CompactedTopicFollower.Start.END, fromOffset).start()) {
      assertThat(fromEnd.caughtUp.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(fromOffset.caughtUp.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(fromEnd.positions.get(new TopicPartition(TOPIC, 3))).isEqualTo(second + 1);
      assertThat(fromOffset.keys).containsExactly("e-kept");

      send(3, "e-new", "z");
      await().atMost(Duration.ofSeconds(30)).until(() -> fromEnd.keys.contains("e-new"));
      assertThat(fromEnd.keys).containsExactly("e-new");
      await().atMost(Duration.ofSeconds(30)).until(() -> fromOffset.keys.contains("e-new"));
    }
  }

  @Test
  void itWaitsForATopicThatDoesNotExistAndStopsWhenClosed() throws Exception {
    Recorder recorder = new Recorder();
    String missing = "vigil.follower-it.missing";
    try (CompactedTopicFollower follower =
        follower(List.of(TOPIC, missing), CompactedTopicFollower.Start.beginning(), recorder).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.calls.contains("waiting for " + missing));
      assertThat(recorder.calls).doesNotContain("started");
    }
    assertThat(recorder.closed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closedWithoutStartingItStillSaysClosed() throws Exception {
    Recorder recorder = new Recorder();
    follower(List.of(TOPIC), CompactedTopicFollower.Start.beginning(), recorder).close();
    assertThat(recorder.calls).containsExactly("closed");
  }
}
