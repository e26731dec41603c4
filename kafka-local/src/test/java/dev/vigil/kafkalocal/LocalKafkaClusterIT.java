package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three authenticated brokers in their own processes, as {@code vigil up --brokers 3} would run them,
 * started once for the class. Each test leaves all three running; the ones that kill a broker restart
 * it and check it is back in every ISR.
 */
class LocalKafkaClusterIT {
  private static final int BROKERS = 3;
  /**
   * Test-side broker settings that only shorten waits: heartbeats every 500 ms instead of 2 s pace a
   * node's registration, unfencing and controlled shutdown (each takes a heartbeat or two), and a
   * session of 4.5 s instead of 9 s lets the controller fence a killed node sooner. Every failover
   * still happens, just with less idle time around it.
   */
  private static final Map<String, String> FASTER_HEARTBEATS = Map.of(
      "broker.heartbeat.interval.ms", "500", "broker.session.timeout.ms", "4500");

  @TempDir static Path dir;
  static LocalKafkaCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = LocalKafkaCluster.start(dir.resolve("kafka"), BROKERS, FASTER_HEARTBEATS);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void everyBrokerRunsAgain() {
    for (int n = 1; n <= BROKERS; n++) {
      if (cluster.process(n).isEmpty()) {
        cluster.restart(n);
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void threeBrokersServeVigilsTopicsWithReplicationThreeAndMinIsrTwo() throws Exception {
    Path kafka = cluster.dataDir();
    for (int n = 1; n <= BROKERS; n++) {
      long pid = Long.parseLong(Files.readString(kafka.resolve("broker-" + n + ".pid")).trim());
      assertThat(ProcessHandle.of(pid)).as("broker-%d.pid names a live process", n)
          .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
      assertThat(cluster.process(n)).map(ProcessHandle::pid).hasValue(pid);
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(kafka.resolve("broker-" + n).resolve("kraft-logs").resolve("meta.properties")).exists();
      assertThat(Files.readString(kafka.resolve("broker-" + n).resolve("broker.log")))
          .contains(KafkaNodeMain.class.getName() + " - Kafka node " + n + " started");
    }
    assertThat(Files.getPosixFilePermissions(kafka.resolve(LocalKafkaCluster.CLIENT_PROPERTIES)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(cluster.authenticated()).isTrue();
    assertThat(cluster.bootstrapServers().split(",")).hasSize(BROKERS).allMatch(s -> s.startsWith("127.0.0.1:"));

    try (Admin admin = admin()) {
      assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(BROKERS);
      Map<String, TopicDescription> topics = admin.describeTopics(
          Topics.all().stream().map(Topic::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
      assertThat(topics).hasSameSizeAs(Topics.all());
      for (TopicDescription topic : topics.values()) {
        for (TopicPartitionInfo p : topic.partitions()) {
          assertThat(p.replicas()).as(topic.name()).hasSize(3);
        }
      }
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.AUDIT_RAW.name());
      assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
          .get("min.insync.replicas").value()).isEqualTo("2");

      var broker = new ConfigResource(ConfigResource.Type.BROKER, "2");
      var config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
      assertThat(Map.of(
          "default.replication.factor", config.get("default.replication.factor").value(),
          "min.insync.replicas", config.get("min.insync.replicas").value(),
          "offsets.topic.replication.factor", config.get("offsets.topic.replication.factor").value(),
          "transaction.state.log.replication.factor", config.get("transaction.state.log.replication.factor").value(),
          "transaction.state.log.min.isr", config.get("transaction.state.log.min.isr").value()))
          .containsAllEntriesOf(Map.of("default.replication.factor", "3", "min.insync.replicas", "2",
              "offsets.topic.replication.factor", "3", "transaction.state.log.replication.factor", "3",
              "transaction.state.log.min.isr", "2"));
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void killingAPartitionLeaderMidStreamLosesAndDuplicatesNothing() throws Exception {
    int total = 30_000;
    Duration over = Duration.ofSeconds(15);
    String topic = Topics.AUDIT_RAW.name();
    int victim = leaderOf(new TopicPartition(topic, 0));
    Set<Integer> victimLed = partitionsLedBy(topic, victim);

    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    BitSet acked = new BitSet(total);
    AtomicInteger failed = new AtomicInteger();
    long[] sentAt = new long[total];
    long[] ackMs = new long[total];
    int[] partitionOf = new int[total];
    double retried;
    CompletableFuture<Void> kill = null;
    long killedAt = 0;
    long started = System.nanoTime();
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < total; i++) {
        long due = started + over.toNanos() * i / total;
        long early = due - System.nanoTime();
        if (early > 0) {
          TimeUnit.NANOSECONDS.sleep(early);
        }
        if (i == total / 3) {
          killedAt = System.nanoTime();
          kill = CompletableFuture.runAsync(() -> cluster.kill(victim));
        }
        int number = i;
        sentAt[i] = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, "failover/" + number, number(number)), (meta, error) -> {
          if (error != null) {
            failed.incrementAndGet();
            return;
          }
          synchronized (acked) {
            ackMs[number] = (System.nanoTime() - sentAt[number]) / 1_000_000;
            partitionOf[number] = meta.partition();
            acked.set(number);
          }
        });
      }
      producer.flush();
      retried = metric(producer.metrics(), "record-retry-total");
    }
    kill.get(60, TimeUnit.SECONDS);
    long sendMs = (System.nanoTime() - started) / 1_000_000;

    long[] ledAckMs = IntStream.range(0, total).filter(i -> victimLed.contains(partitionOf[i]))
        .mapToLong(i -> ackMs[i]).toArray();
    long[] otherAckMs = IntStream.range(0, total).filter(i -> !victimLed.contains(partitionOf[i]))
        .mapToLong(i -> ackMs[i]).toArray();
    Tally read = Tally.of(acked, readCommitted(topic, total));
    int newLeader = leaderOf(new TopicPartition(topic, 0));
    long restarted = System.nanoTime();
    cluster.restart(victim);
    awaitEveryIsrFull(topic);
    long rejoinMs = (System.nanoTime() - restarted) / 1_000_000;

    System.out.printf("FAILOVER %s idempotent acks=all: sent=%d in %d ms, broker %d (leader of %s-0) killed -9 at "
            + "record %d (%.1f s in); acknowledged=%d, failed=%d, retried sends=%.0f; time to ack on the %d "
            + "partitions it led p50=%d ms max=%d ms, on the other %d p50=%d ms max=%d ms; "
            + "read_committed: lost=%d duplicated=%d; new leader of partition 0: broker %d; killed broker back "
            + "in every ISR %d ms after its restart%n",
        Instant.now(), total, sendMs, victim, topic, total / 3, (killedAt - started) / 1e9, acked.cardinality(),
        failed.get(), retried, victimLed.size(), percentile(ledAckMs, 50), percentile(ledAckMs, 100),
        Topics.AUDIT_RAW.partitions() - victimLed.size(), percentile(otherAckMs, 50), percentile(otherAckMs, 100),
        read.lost(),
        read.duplicated(), newLeader, rejoinMs);
    assertThat(failed.get()).as("sends that failed instead of being retried").isZero();
    assertThat(acked.cardinality()).isEqualTo(total);
    assertThat(read.lost()).as("acknowledged records missing").isZero();
    assertThat(read.duplicated()).as("records read more than once").isZero();
    assertThat(newLeader).isNotEqualTo(victim);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void transactionsSurviveTheKillOfTheirCoordinator() throws Exception {
    int transactions = 40;
    int perTransaction = 250;
    int total = transactions * perTransaction;
    String topic = Topics.FINDINGS.name();
    String transactionalId = "failover-it";

    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    BitSet committed = new BitSet(total);
    int aborted = 0;
    int commitRetries = 0;
    int coordinator = -1;
    long stallMs = 0;
    double retried;
    long started = System.nanoTime();
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        Admin admin = admin()) {
      producer.initTransactions();
      for (int t = 0; t < transactions; t++) {
        long begun = System.nanoTime();
        while (true) {
          try {
            producer.beginTransaction();
            for (int i = t * perTransaction; i < (t + 1) * perTransaction; i++) {
              producer.send(new ProducerRecord<>(topic, "tx/" + i, number(i)));
              if (t == transactions / 3 && i == t * perTransaction + perTransaction / 2 && coordinator < 0) {
                coordinator = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(10, TimeUnit.SECONDS).coordinatorId();
                cluster.kill(coordinator);
              }
            }
            commitRetries += commit(producer);
            committed.set(t * perTransaction, (t + 1) * perTransaction);
            break;
          } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e;
          } catch (KafkaException e) {
            producer.abortTransaction();
            aborted++;
          }
        }
        stallMs = Math.max(stallMs, (System.nanoTime() - begun) / 1_000_000);
      }
      retried = metric(producer.metrics(), "record-retry-total");
    }
    long sendMs = (System.nanoTime() - started) / 1_000_000;

    Tally read = Tally.of(committed, readCommitted(topic, total));
    long restarted = System.nanoTime();
    cluster.restart(coordinator);
    awaitEveryIsrFull(topic, "__transaction_state");
    long rejoinMs = (System.nanoTime() - restarted) / 1_000_000;

    System.out.printf("FAILOVER %s transactional: %d transactions of %d records in %d ms, broker %d (the "
            + "transaction coordinator) killed -9 in transaction %d; committed=%d, aborted and re-sent=%d, commit "
            + "retries after a timeout=%d, retried sends=%.0f, slowest transaction=%d ms; read_committed: lost=%d "
            + "duplicated=%d uncommitted visible=%d; killed broker back in every ISR %d ms after its restart%n",
        Instant.now(), transactions, perTransaction, sendMs, coordinator, transactions / 3,
        committed.cardinality() / perTransaction, aborted, commitRetries, retried, stallMs, read.lost(),
        read.duplicated(), read.unexpected(), rejoinMs);
    assertThat(committed.cardinality()).isEqualTo(total);
    assertThat(read.lost()).as("committed records missing").isZero();
    assertThat(read.duplicated()).as("records read more than once").isZero();
    assertThat(read.unexpected()).as("records of aborted transactions visible").isZero();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aStoppedBrokerHandsOverItsLeadershipAndTheWholeClusterRestartsWithItsDataAndPassword() throws Exception {
    String topic = Topics.CLUSTERS.name();
    int leader = leaderOf(new TopicPartition(topic, 0));
    cluster.stop(leader);
    assertThat(cluster.dataDir().resolve("broker-" + leader + ".pid")).doesNotExist();
    int successor = leaderOf(new TopicPartition(topic, 0));
    assertThat(successor).isNotEqualTo(leader);
    produce(topic, "kept while broker " + leader + " was stopped");
    cluster.restart(leader);
    awaitEveryIsrFull(topic);

    Map<String, String> before = cluster.clientProperties();
    List<Long> pids = new ArrayList<>();
    for (int n = 1; n <= BROKERS; n++) {
      pids.add(cluster.process(n).orElseThrow().pid());
    }
    long closing = System.nanoTime();
    cluster.close();
    long closeMs = (System.nanoTime() - closing) / 1_000_000;
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("process %d", pid).isNotEqualTo(
          java.util.Optional.of(true));
    }
    long starting = System.nanoTime();
    cluster = LocalKafkaCluster.start(dir.resolve("kafka"), BROKERS, FASTER_HEARTBEATS);
    long startMs = (System.nanoTime() - starting) / 1_000_000;
    System.out.printf("CLUSTER graceful close of %d brokers %d ms, start again on the same directory %d ms%n",
        BROKERS, closeMs, startMs);
    assertThat(cluster.clientProperties()).isEqualTo(before);
    assertThat(readToEnd(topic, new StringDeserializer())).contains("kept while broker " + leader + " was stopped");
  }

  /**
   * What a reader found against what the producer was told was written: {@code lost}, written but not
   * read; {@code duplicated}, reads beyond the first; {@code unexpected}, read but never written.
   */
  record Tally(int lost, int duplicated, int unexpected) {
    static Tally of(BitSet written, int[] seen) {
      int lost = 0;
      int duplicated = 0;
      int unexpected = 0;
      for (int i = 0; i < seen.length; i++) {
        lost += written.get(i) && seen[i] == 0 ? 1 : 0;
        duplicated += Math.max(0, seen[i] - 1);
        unexpected += !written.get(i) && seen[i] > 0 ? 1 : 0;
      }
      return new Tally(lost, duplicated, unexpected);
    }
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  private static Admin admin() {
    return Admin.create(new HashMap<>(cluster.clientProperties()));
  }

  private static byte[] number(int n) {
    return ByteBuffer.allocate(4).putInt(n).array();
  }

  private static int commit(KafkaProducer<String, byte[]> producer) {
    for (int retries = 0; ; retries++) {
      try {
        producer.commitTransaction();
        return retries;
      } catch (TimeoutException e) {
        if (retries >= 5) {
          throw e;
        }
      }
    }
  }

  private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  private static int leaderOf(TopicPartition partition) throws Exception {
    try (Admin admin = admin()) {
      return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        TopicPartitionInfo info = admin.describeTopics(List.of(partition.topic())).allTopicNames()
            .get(10, TimeUnit.SECONDS).get(partition.topic()).partitions().get(partition.partition());
        return info.leader() == null ? -1 : info.leader().id();
      }, id -> id > 0 && cluster.process(id).isPresent());
    }
  }

  private static Set<Integer> partitionsLedBy(String topic, int broker) throws Exception {
    try (Admin admin = admin()) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
          .partitions().stream().filter(p -> p.leader() != null && p.leader().id() == broker)
          .map(TopicPartitionInfo::partition).collect(Collectors.toSet());
    }
  }

  /** Waits until every partition of {@code topics} has all its replicas in sync again. */
  private static void awaitEveryIsrFull(String... topics) {
    try (Admin admin = admin()) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
          admin.describeTopics(List.of(topics)).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
              .flatMap(t -> t.partitions().stream())
              .allMatch(p -> p.isr().size() == p.replicas().size()));
    }
  }

  /** How often each number in {@code [0, total)} appears in {@code topic}. */
  private static int[] readCommitted(String topic, int total) {
    int[] seen = new int[total];
    for (byte[] value : readToEnd(topic, new ByteArrayDeserializer())) {
      seen[ByteBuffer.wrap(value).getInt()]++;
    }
    return seen;
  }

  /** Every value in {@code topic}, read with {@code read_committed} from the beginning to the end. */
  private static <V> List<V> readToEnd(String topic, Deserializer<V> values) {
    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    List<V> read = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("read %s to its end within 60 s", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(500)).forEach(r -> read.add(r.value()));
      }
    }
    return read;
  }

  private static void produce(String topic, String value) throws Exception {
    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "it", value)).get(30, TimeUnit.SECONDS);
    }
  }
}
