package dev.vigil.kafkalocal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts transactions left open on a partition that their coordinator no longer counts as in
 * progress ("hanging" transactions, KIP-664): a read-committed consumer of that partition, a Streams
 * restore among them, stops at the open transaction for good.
 *
 * <p>A single KRaft broker restarted after a kill can leave one: its transaction coordinator loads a
 * transaction in {@code PrepareCommit} from the stale metadata image, the broker is then fenced while
 * it re-registers (every partition without a leader for a moment), the coordinator's marker sender
 * finds "no leader endpoint", takes the partitions for deleted ones and completes the transaction
 * without writing their markers. On one broker every partition of the transaction is skipped together,
 * so aborting all of them rolls the whole transaction back consistently: its records and its committed
 * offsets alike, and the Streams task processes that input again.
 *
 * <p>A partition's open transaction is stranded when its coordinator knows its producer at that epoch
 * or a later one and holds no transaction of it in progress ({@code Ongoing} or {@code Prepare*}) with
 * that partition. The candidates are described a second time before anything is aborted, so a
 * transaction that completed between the two looks is left alone. Run it before Vigil's own
 * transactional producers start.
 */
public final class StrandedTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(StrandedTransactions.class);
  private static final Set<TransactionState> IN_PROGRESS = EnumSet.of(
      TransactionState.ONGOING, TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT,
      TransactionState.PREPARE_EPOCH_FENCE);

  /** How long the Admin calls after the settling time may take. */
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** A partition's open transaction: the producer that opened it and where it starts. */
  public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
      long startOffset) {}

  private StrandedTransactions() {}

  /**
   * Aborts every stranded transaction the brokers behind {@code admin} hold. A broker that has just
   * started answers for its transaction coordinator only once it has loaded the transaction log, and
   * until then knows none of the producers; so while an open transaction's producer is unknown, this
   * looks again every {@code retryEvery}, for at most {@code settle}, and then names what is left in a
   * WARN line.
   *
   * @return the transactions aborted, empty when none was stranded
   */
  public static List<OpenTransaction> abortAll(Admin admin, Duration settle, Duration retryEvery)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + settle.toNanos();
    long adminDeadline = deadline + ADMIN_TIMEOUT.toNanos();
    List<TopicPartition> partitions = allPartitions(admin, adminDeadline);
    List<OpenTransaction> aborted = new ArrayList<>();
    while (true) {
      List<OpenTransaction> open = openTransactions(admin, partitions, adminDeadline);
      if (open.isEmpty()) {
        return aborted;
      }
      Map<Long, List<TransactionDescription>> transactions = transactionsOf(admin, open, adminDeadline);
      aborted.addAll(abortIfStillOpen(admin, stranded(open, transactions), adminDeadline));
      List<OpenTransaction> unknown = unknownProducers(open, transactions);
      if (unknown.isEmpty()) {
        return aborted;
      }
      if (System.nanoTime() + retryEvery.toNanos() > deadline) {
        for (OpenTransaction t : unknown) {
          LOG.warn("A transaction is open on {} from offset {} by producer {} (epoch {}) that no transaction "
              + "coordinator knows after {} s; left alone. If a consumer of that partition stays stopped at it, "
              + "abort it with kafka-transactions.sh abort", t.partition(), t.startOffset(), t.producerId(),
              t.producerEpoch(), settle.toSeconds());
        }
        return aborted;
      }
      Thread.sleep(retryEvery.toMillis());
    }
  }

  /** Aborts those of {@code stranded} that are still open when looked at again. */
  private static List<OpenTransaction> abortIfStillOpen(Admin admin, List<OpenTransaction> stranded, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (stranded.isEmpty()) {
      return List.of();
    }
    // Look again: a transaction whose markers were being written in between is no longer open.
    List<OpenTransaction> stillOpen = openTransactions(
        admin, stranded.stream().map(OpenTransaction::partition).distinct().toList(), deadline);
    List<OpenTransaction> abort = stranded.stream().filter(stillOpen::contains).toList();
    for (OpenTransaction t : abort) {
      LOG.warn("Aborting a transaction left open on {} from offset {} by producer {} (epoch {}) that its "
          + "coordinator no longer holds in progress: read-committed consumers of that partition were stopped "
          + "at it", t.partition(), t.startOffset(), t.producerId(), t.producerEpoch());
      admin.abortTransaction(new AbortTransactionSpec(
              t.partition(), t.producerId(), (short) t.producerEpoch(), t.coordinatorEpoch()))
          .all().get(remaining(deadline), TimeUnit.MILLISECONDS);
    }
    return abort;
  }

  /**
   * The open transactions of {@code open} that their coordinator ({@code transactions}, by producer id)
   * knows and no longer holds in progress with their partition: it holds the producer at the same or a
   * later epoch, and its transaction is complete, empty, or in progress without that partition. A
   * producer no coordinator knows is left alone: it may belong to a coordinator that has not answered
   * yet, and aborting half of a transaction that then commits would lose the other half's work.
   */
  static List<OpenTransaction> stranded(
      Collection<OpenTransaction> open, Map<Long, List<TransactionDescription>> transactions) {
    List<OpenTransaction> stranded = new ArrayList<>();
    for (OpenTransaction t : open) {
      List<TransactionDescription> known = transactions.getOrDefault(t.producerId(), List.of());
      boolean inProgress = known.stream()
          .anyMatch(d -> IN_PROGRESS.contains(d.state()) && d.topicPartitions().contains(t.partition()));
      boolean movedOn = known.stream()
          .anyMatch(d -> d.state() != TransactionState.UNKNOWN && d.producerEpoch() >= t.producerEpoch());
      if (!inProgress && movedOn) {
        stranded.add(t);
      }
    }
    return stranded;
  }

  /** The open transactions of {@code open} whose producer no coordinator knows, to name in the log. */
  static List<OpenTransaction> unknownProducers(
      Collection<OpenTransaction> open, Map<Long, List<TransactionDescription>> transactions) {
    return open.stream().filter(t -> !transactions.containsKey(t.producerId())).toList();
  }

  private static List<TopicPartition> allPartitions(Admin admin, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
        .get(remaining(deadline), TimeUnit.MILLISECONDS);
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
        .get(remaining(deadline), TimeUnit.MILLISECONDS);
    List<TopicPartition> partitions = new ArrayList<>();
    described.forEach((name, description) -> description.partitions()
        .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    return partitions;
  }

  private static List<OpenTransaction> openTransactions(Admin admin, List<TopicPartition> partitions, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<OpenTransaction> open = new ArrayList<>();
    admin.describeProducers(partitions).all().get(remaining(deadline), TimeUnit.MILLISECONDS)
        .forEach((partition, state) -> {
          for (ProducerState producer : state.activeProducers()) {
            producer.currentTransactionStartOffset().ifPresent(start -> open.add(new OpenTransaction(
                partition, producer.producerId(), producer.producerEpoch(),
                producer.coordinatorEpoch().orElse(0), start)));
          }
        });
    return open;
  }

  private static Map<Long, List<TransactionDescription>> transactionsOf(
      Admin admin, List<OpenTransaction> open, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<Long> producerIds = new HashSet<>();
    open.forEach(t -> producerIds.add(t.producerId()));
    Collection<TransactionListing> listings = admin
        .listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds)).all()
        .get(remaining(deadline), TimeUnit.MILLISECONDS);
    Map<Long, List<TransactionDescription>> byProducer = new HashMap<>();
    if (listings.isEmpty()) {
      return byProducer;
    }
    admin.describeTransactions(listings.stream().map(TransactionListing::transactionalId).toList()).all()
        .get(remaining(deadline), TimeUnit.MILLISECONDS)
        .values().forEach(d -> byProducer.computeIfAbsent(d.producerId(), id -> new ArrayList<>()).add(d));
    return byProducer;
  }

  private static long remaining(long deadline) throws TimeoutException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new TimeoutException("looking for stranded transactions took too long");
    }
    return left;
  }
}
