package dev.vigil.alerts.incidents;

import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.schemas.Incident;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the incidents of the global {@link IncidentsTopology#INCIDENTS_BY_ID_STORE}, always
 * scoped to one workspace. Thread-safe; every method may block on the store, so call it off the event
 * loop.
 */
public final class IncidentQueries {

  /** Latest activity first ({@code endTimeUtc} descending), then id descending. */
  public static final Comparator<Incident> NEWEST_FIRST =
      Comparator.comparing(Incident::endTimeUtc, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
          .thenComparing(Incident::id, Comparator.reverseOrder());

  private final Supplier<ReadOnlyKeyValueStore<String, Incident>> storeSupplier;

  /**
   * @param storeSupplier fetches the store; it may throw {@link InvalidStateStoreException} (or return
   *     null) while the store is not queryable
   */
  public IncidentQueries(Supplier<ReadOnlyKeyValueStore<String, Incident>> storeSupplier) {
    this.storeSupplier = Objects.requireNonNull(storeSupplier, "storeSupplier");
  }

  /** Queries over the global incident store of a running {@code vigil-incidents} application. */
  public static IncidentQueries of(KafkaStreams streams) {
    Objects.requireNonNull(streams, "streams");
    return new IncidentQueries(
        () -> streams.store(
            StoreQueryParameters.fromNameAndType(
                IncidentsTopology.INCIDENTS_BY_ID_STORE, QueryableStoreTypes.keyValueStore())));
  }

  /** The incident {@code id} if it belongs to {@code workspace}; another workspace's is absent. */
  public Optional<Incident> byId(String workspace, String id) {
    Objects.requireNonNull(workspace, "workspace");
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Incident incident;
    try {
      incident = store().get(id);
    } catch (InvalidStateStoreException e) {
      throw new AlertStoreUnavailableException("the incident store is not queryable right now", e);
    }
    return incident != null && workspace.equals(incident.workspace())
        ? Optional.of(incident)
        : Optional.empty();
  }

  /** The incidents of {@code workspace} matching {@code filter}, newest first, at most {@code limit}. */
  public List<Incident> list(String workspace, Predicate<Incident> filter, int limit) {
    List<Incident> matching = new ArrayList<>();
    forEach(workspace, i -> {
      if (filter.test(i)) {
        matching.add(i);
      }
    });
    matching.sort(NEWEST_FIRST);
    return matching.size() > limit ? List.copyOf(matching.subList(0, limit)) : matching;
  }

  /** Calls {@code action} with every incident of {@code workspace}, in no particular order. */
  public void forEach(String workspace, Consumer<Incident> action) {
    Objects.requireNonNull(workspace, "workspace");
    try (KeyValueIterator<String, Incident> it = store().all()) {
      while (it.hasNext()) {
        Incident incident = it.next().value;
        if (incident != null && workspace.equals(incident.workspace())) {
          action.accept(incident);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw new AlertStoreUnavailableException("the incident store is not queryable right now", e);
    }
  }

  private ReadOnlyKeyValueStore<String, Incident> store() {
    try {
      ReadOnlyKeyValueStore<String, Incident> store = storeSupplier.get();
      if (store == null) {
        throw new AlertStoreUnavailableException("the incident store is not available yet", null);
      }
      return store;
    } catch (InvalidStateStoreException e) {
      throw new AlertStoreUnavailableException("the incident store is not queryable right now", e);
    }
  }
}
