package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction left open on a partition that no coordinator holds in progress (what a single broker's
 * restart after a kill can leave, see {@link StrandedTransactions}) stops read-committed consumers until
 * it is aborted; a transaction in progress is left alone.
 *
 * <p>The stranded transaction is written the way only a broken protocol run writes it: a transactional
 * batch sent straight to the partition leader, under the producer id and epoch of a transaction its
 * coordinator has completed. The broker accepts it because this test turns off its check of
 * transactional writes with the coordinator ({@code transaction.partition.verification.enable=false}).
 */
class StrandedTransactionsIT {
  private static final String TOPIC = "stranded-test";
  private static final long UNKNOWN_PRODUCER = 987_654L;
  /** How long a producer no coordinator knows is waited for (the unknown one here never becomes known). */
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final Duration RETRY = Duration.ofMillis(500);

  @Test
  void abortsATransactionItsCoordinatorCompletedAndLeavesOthersAlone() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary(
            Map.of("transaction.partition.verification.enable", "false"));
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      TopicPartition stranded = new TopicPartition(TOPIC, 0);
      TopicPartition inProgress = new TopicPartition(TOPIC, 1);
      TopicPartition unknown = new TopicPartition(TOPIC, 2);
      assertThat(StrandedTransactions.abortAll(admin, SETTLE, RETRY)).isEmpty();

      // A producer whose last transaction its coordinator completed...
      TransactionDescription done = completedTransaction(kafka, admin, inProgress);
      // ...and a batch of it left open on a partition its coordinator sent no marker to.
      try (KafkaProducer<String, String> plain = producer(kafka, null)) {
        plain.send(new ProducerRecord<>(TOPIC, 0, "k", "before")).get();
        writeTransactionalBatch(kafka.bootstrapServers(), stranded, done.producerId(), done.producerEpoch(),
            "stranded");
        plain.send(new ProducerRecord<>(TOPIC, 0, "k", "after")).get();
        writeTransactionalBatch(kafka.bootstrapServers(), unknown, UNKNOWN_PRODUCER, 0, "nobody's");
        plain.send(new ProducerRecord<>(TOPIC, 2, "k", "behind nobody's")).get();
      }
      try (KafkaProducer<String, String> transactional = producer(kafka, "in-progress")) {
        transactional.initTransactions();
        transactional.beginTransaction();
        transactional.send(new ProducerRecord<>(TOPIC, 1, "k", "in progress")).get();

        assertThat(readCommitted(kafka, stranded)).containsExactly("before");

        List<StrandedTransactions.OpenTransaction> aborted = StrandedTransactions.abortAll(admin, SETTLE, RETRY);
        assertThat(aborted).singleElement().satisfies(t -> {
          assertThat(t.partition()).isEqualTo(stranded);
          assertThat(t.producerId()).isEqualTo(done.producerId());
          assertThat(t.startOffset()).isEqualTo(1);
        });
        assertThat(readCommitted(kafka, stranded)).containsExactly("before", "after");

        transactional.commitTransaction();
      }
      assertThat(readCommitted(kafka, inProgress)).containsExactly("committed", "in progress");
      // A producer no coordinator knows is left alone (and named in the log).
      assertThat(readCommitted(kafka, unknown)).isEmpty();
      assertThat(StrandedTransactions.abortAll(admin, SETTLE, RETRY)).isEmpty();
    }
  }

  @Test
  void theEmbeddedBrokerAbortsAStrandedTransactionWhenItStartsAgain(@TempDir Path dir) throws Exception {
    Map<String, String> noVerification = Map.of("transaction.partition.verification.enable", "false");
    TopicPartition stranded = new TopicPartition(TOPIC, 0);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, noVerification, false, false);
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      TransactionDescription done = completedTransaction(kafka, admin, new TopicPartition(TOPIC, 1));
      try (KafkaProducer<String, String> plain = producer(kafka, null)) {
        plain.send(new ProducerRecord<>(TOPIC, 0, "k", "before")).get();
        writeTransactionalBatch(kafka.bootstrapServers(), stranded, done.producerId(), done.producerEpoch(),
            "stranded");
        plain.send(new ProducerRecord<>(TOPIC, 0, "k", "after")).get();
      }
      assertThat(readCommitted(kafka, stranded)).containsExactly("before");
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, noVerification, false, false)) {
      assertThat(readCommitted(kafka, stranded)).containsExactly("before", "after");
    }
  }

  /** A transaction of {@code "completed"} that wrote "committed" to {@code partition}, once its coordinator completed it. */
  private static TransactionDescription completedTransaction(EmbeddedKafka kafka, Admin admin, TopicPartition partition)
      throws Exception {
    try (KafkaProducer<String, String> completed = producer(kafka, "completed")) {
      completed.initTransactions();
      completed.beginTransaction();
      completed.send(new ProducerRecord<>(TOPIC, partition.partition(), "k", "committed")).get();
      completed.commitTransaction();
    }
    // commitTransaction returns once the commit is decided; the coordinator completes it a moment later.
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> admin.describeTransactions(List.of("completed")).description("completed").get(),
        d -> d.state() == TransactionState.COMPLETE_COMMIT);
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, String transactionalId) {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    if (transactionalId != null) {
      p.put("transactional.id", transactionalId);
    }
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Every value of {@code partition} a read-committed consumer sees, read to the last stable offset. */
  private static List<String> readCommitted(EmbeddedKafka kafka, TopicPartition partition) {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long stable = consumer.endOffsets(List.of(partition)).get(partition);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (consumer.position(partition) < stable && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  /** Sends one transactional batch of {@code value} straight to the leader (the only broker), as {@code producerId}. */
  private static void writeTransactionalBatch(
      String bootstrap, TopicPartition partition, long producerId, int epoch, String value) throws Exception {
    MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) epoch, 0,
        new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
        .setTransactionalId("nobody-knows-me");
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(partition.topic());
    topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition.partition())
        .setRecords(records));
    data.topicData().add(topic);
    short version = 9; // names the topic and asks for no transaction-v2 behaviour
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "stranded-test", 1);
    ByteBuffer request = new ProduceRequest(data, version).serializeWithHeader(header);
    String[] hostPort = bootstrap.split(",")[0].split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(request.remaining());
      out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      ProduceResponse produced = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
      produced.data().responses().forEach(t -> t.partitionResponses().forEach(p ->
          assertThat(Errors.forCode(p.errorCode())).as("raw produce: %s", p.errorMessage()).isEqualTo(Errors.NONE)));
    }
  }
}
