package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import java.util.function.Consumer;

/**
 * The changes of {@code vigil.alerts.v1} as they happen, for the live stream. {@link
 * KafkaAlertFeed} reads the topic itself, so the stream needs no state of its own and resumes from
 * any {@link StreamPosition} on any instance.
 */
public interface AlertFeed {

  /**
   * One change. {@code alert} is null for the first event of a subscription, which only tells where
   * it starts.
   */
  record Event(Alert alert, StreamPosition position) {}

  /** A running subscription; closing it stops its deliveries. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Starts delivering changes after {@code from} (or from now when null) to {@code onEvent}, on a
   * thread of the feed; {@code onError} is called once if the feed fails, and nothing after it.
   *
   * @throws AlertStoreUnavailableException when too many subscriptions are open
   */
  Subscription subscribe(StreamPosition from, Consumer<Event> onEvent, Consumer<Throwable> onError);
}
