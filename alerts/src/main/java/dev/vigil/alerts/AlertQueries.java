package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the alerts of the global {@link AlertsTopology#ALERTS_BY_ID_STORE}, always scoped to
 * one workspace. Thread-safe; every method may block for one store lookup or scan, so call it off the
 * event loop.
 */
public final class AlertQueries {

  /** Newest first by {@code detectedTimeUtc}, then by id, both descending: a total order for cursors. */
  public static final Comparator<Alert> NEWEST_FIRST =
      Comparator.comparing(
              Alert::detectedTimeUtc, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
          .thenComparing(Alert::id, Comparator.reverseOrder());

  private final Supplier<ReadOnlyKeyValueStore<String, Alert>> storeSupplier;
  private volatile ReadOnlyKeyValueStore<String, Alert> store;

  /**
   * @param storeSupplier fetches the store; it may throw {@link InvalidStateStoreException} (or
   *     return null) while the store is not queryable, and is called again on the next query
   */
  public AlertQueries(Supplier<ReadOnlyKeyValueStore<String, Alert>> storeSupplier) {
    this.storeSupplier = Objects.requireNonNull(storeSupplier, "storeSupplier");
  }

  /** Queries over the global alert store of a running {@code vigil-alerts} application. */
  public static AlertQueries of(KafkaStreams streams) {
    Objects.requireNonNull(streams, "streams");
    return new AlertQueries(
        () ->
            streams.store(
                StoreQueryParameters.fromNameAndType(
                    AlertsTopology.ALERTS_BY_ID_STORE, QueryableStoreTypes.keyValueStore())));
  }

  /**
   * The alert with {@code id} if it belongs to {@code workspace}; an alert of another workspace is
   * reported as absent so that ids cannot be probed.
   *
   * @throws AlertStoreUnavailableException when the store is not queryable yet
   */
  public Optional<Alert> byId(String workspace, String id) {
    Objects.requireNonNull(workspace, "workspace");
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Alert alert = withStore(s -> s.get(id));
    return alert != null && workspace.equals(alert.workspace()) ? Optional.of(alert) : Optional.empty();
  }

  /**
   * The alerts matching {@code filter}, newest first ({@link #NEWEST_FIRST}), at most {@code
   * filter.limit()} of them, starting after {@code filter.cursor()} when set. One full store scan
   * keeping only the best {@code limit} entries in memory.
   *
   * @throws AlertStoreUnavailableException when the store is not queryable yet
   */
  public List<Alert> list(AlertFilter filter) {
    Objects.requireNonNull(filter, "filter");
    // Worst of the kept alerts at the head, so it is the one evicted when a better one arrives.
    PriorityQueue<Alert> best = new PriorityQueue<>(NEWEST_FIRST.reversed());
    withStore(
        s -> {
          try (KeyValueIterator<String, Alert> it = s.all()) {
            while (it.hasNext()) {
              KeyValue<String, Alert> entry = it.next();
              Alert alert = entry.value;
              if (alert == null || !filter.matches(alert) || !afterCursor(alert, filter.cursor())) {
                continue;
              }
              best.add(alert);
              if (best.size() > filter.limit()) {
                best.poll();
              }
            }
          }
          return null;
        });
    List<Alert> result = new ArrayList<>(best);
    result.sort(NEWEST_FIRST);
    return result;
  }

  /**
   * Calls {@code action} with every alert of {@code workspace}, in no particular order: one store
   * scan, for figures over all alerts (the overview).
   *
   * @throws AlertStoreUnavailableException when the store is not queryable yet
   */
  public void forEach(String workspace, java.util.function.Consumer<Alert> action) {
    Objects.requireNonNull(workspace, "workspace");
    withStore(
        s -> {
          try (KeyValueIterator<String, Alert> it = s.all()) {
            while (it.hasNext()) {
              Alert alert = it.next().value;
              if (alert != null && workspace.equals(alert.workspace())) {
                action.accept(alert);
              }
            }
          }
          return null;
        });
  }

  private static boolean afterCursor(Alert alert, AlertFilter.Cursor cursor) {
    if (cursor == null) {
      return true;
    }
    if (alert.detectedTimeUtc() == null) {
      return true;
    }
    int byTime = cursor.detectedTimeUtc().compareTo(alert.detectedTimeUtc());
    return byTime > 0 || (byTime == 0 && cursor.id().compareTo(alert.id()) > 0);
  }

  private <T> T withStore(Function<ReadOnlyKeyValueStore<String, Alert>, T> query) {
    ReadOnlyKeyValueStore<String, Alert> current = store;
    try {
      if (current == null) {
        current = storeSupplier.get();
        if (current == null) {
          throw new AlertStoreUnavailableException("the alert store is not available yet", null);
        }
        store = current;
      }
      return query.apply(current);
    } catch (InvalidStateStoreException e) {
      // The handle may have gone stale (instance restarting); fetch a fresh one on the next query.
      store = null;
      throw new AlertStoreUnavailableException(
          "the alert store is not queryable right now: " + e.getMessage(), e);
    }
  }
}
