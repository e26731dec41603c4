package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafkalocal.StrandedTransactions.OpenTransaction;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StrandedTransactionsTest {
  private static final TopicPartition CHANGELOG = new TopicPartition("vigil-alerts-store-changelog", 1);
  private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 3);
  private static final OpenTransaction ON_CHANGELOG = new OpenTransaction(CHANGELOG, 6, 3, 0, 5);
  private static final OpenTransaction ON_OFFSETS = new OpenTransaction(OFFSETS, 6, 3, 0, 41);

  private static TransactionDescription transaction(TransactionState state, TopicPartition... partitions) {
    return new TransactionDescription(1, state, 6, 3, 10_000, OptionalLong.of(0), Set.of(partitions));
  }

  @Test
  void aTransactionItsCoordinatorCompletedIsStrandedOnEveryPartitionStillOpen() {
    // The restart case: the coordinator skipped the markers and wrote CompleteCommit without partitions.
    var transactions = Map.of(6L, List.of(transaction(TransactionState.COMPLETE_COMMIT)));
    assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG, ON_OFFSETS), transactions))
        .containsExactly(ON_CHANGELOG, ON_OFFSETS);
  }

  @Test
  void aProducerNoCoordinatorKnowsIsLeftAloneAndNamed() {
    // Its coordinator may not have answered yet: aborting half of a transaction that commits loses work.
    assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG), Map.of())).isEmpty();
    assertThat(StrandedTransactions.unknownProducers(List.of(ON_CHANGELOG), Map.of())).containsExactly(ON_CHANGELOG);
  }

  @Test
  void aCompletedTransactionOfAnEarlierEpochDoesNotStrandALaterOne() {
    var older = new TransactionDescription(1, TransactionState.COMPLETE_COMMIT, 6, 2, 10_000, OptionalLong.of(0),
        Set.of());
    assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG), Map.of(6L, List.of(older)))).isEmpty();
  }

  @Test
  void aTransactionInProgressWithThePartitionIsLeftToItsCoordinator() {
    for (TransactionState state : List.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
        TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE)) {
      var transactions = Map.of(6L, List.of(transaction(state, CHANGELOG, OFFSETS)));
      assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG, ON_OFFSETS), transactions))
          .as("state %s", state).isEmpty();
    }
  }

  @Test
  void aTransactionInProgressWithoutThePartitionStrandsOnlyThatPartition() {
    var transactions = Map.of(6L, List.of(transaction(TransactionState.ONGOING, OFFSETS)));
    assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG, ON_OFFSETS), transactions))
        .containsExactly(ON_CHANGELOG);
  }

  @Test
  void anotherProducersTransactionInProgressDoesNotKeepItOpen() {
    var other = new TransactionDescription(1, TransactionState.ONGOING, 7, 0, 10_000, OptionalLong.of(0),
        Set.of(CHANGELOG));
    var transactions = Map.of(6L, List.of(transaction(TransactionState.COMPLETE_COMMIT)), 7L, List.of(other));
    assertThat(StrandedTransactions.stranded(List.of(ON_CHANGELOG), transactions)).containsExactly(ON_CHANGELOG);
  }
}
