package dev.vigil.alerts.outputs;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one output from {@code vigil.alerts.v1}, at least once: a plain consumer in group {@code
 * vigil-output-<id>} (so instances of the alerts API share the partitions and each record is sent by
 * one of them) whose offsets are committed only past records the receiver accepted, or that the
 * output skips. A refused message is retried with exponential backoff, the partitions paused but the
 * consumer polling so it keeps its membership, for as long as the receiver stays down. Throttled
 * alerts are counted into a digest; until the digest is accepted, no offset is committed past the
 * first of them, so a crash replays them rather than losing the count.
 */
final class OutputDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDelivery.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final long LAG_EVERY_MS = 2_000;

  /** Backoff between attempts: doubles from {@code min} up to {@code max}. */
  record Backoff(Duration min, Duration max) {
    static Backoff defaults() {
      return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
    }
  }

  private final OutputDefinition output;
  private final Sender sender;
  private final OutputState state;
  private final Function<String, String> links;
  private final Backoff backoff;
  private final Throttle throttle;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final Set<TopicPartition> owned = new HashSet<>();
  /** Per partition: the offset after the last record accepted or skipped. */
  private final Map<TopicPartition, Long> next = new HashMap<>();
  /** Per partition: the first record held back for the digest not yet accepted. */
  private final Map<TopicPartition, Long> firstHeld = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private long lagAt;
  private volatile boolean running = true;

  OutputDelivery(Map<String, Object> kafkaClientConfig, OutputDefinition output, Sender sender, OutputState state,
      Function<String, String> links, Backoff backoff) {
    this.output = output;
    this.sender = sender;
    this.state = state;
    this.links = links;
    this.backoff = backoff;
    this.throttle = new Throttle(output.maxPerWindow(), Duration.ofSeconds(output.windowSeconds()));
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(output.id()));
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId(output.id()));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "vigil-output-" + output.id());
    this.thread.setDaemon(true);
  }

  /** The consumer group of an output's delivery. */
  static String groupId(String outputId) {
    return "vigil-output-" + outputId;
  }

  OutputDelivery start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(Topics.ALERTS.name()), new Rebalance());
      while (running) {
        try {
          if (!sendDigestIfDue(Instant.now())) {
            break;
          }
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
          for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
              if (!running || !owned.contains(tp)) {
                break;
              }
              if (!handle(tp, record)) {
                if (owned.contains(tp) && running) {
                  consumer.seek(tp, record.offset());
                }
                break;
              }
              next.put(tp, record.offset() + 1);
            }
          }
          commit();
          measureLag();
        } catch (WakeupException e) {
          if (running) {
            throw e;
          }
        } catch (KafkaException e) {
          if (!running) {
            break;
          }
          LOG.warn("output {}: Kafka failed ({}); trying again", output.id(), e.toString());
          pause(1_000);
        }
      }
      commit();
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("output {}: delivery stopped", output.id(), e);
      state.failed("delivery stopped: " + e, false);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("output {}: closing the consumer: {}", output.id(), e.toString());
      }
      sender.close();
    }
  }

  /** Delivers (or skips, or holds back) one record; false when it was not dealt with (stopping, revoked). */
  private boolean handle(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return true;
    }
    Alert alert;
    try {
      alert = Topics.ALERTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("output {}: skipping unreadable alert record {}@{}", output.id(), tp, record.offset());
      return true;
    }
    Header activity = record.headers().lastHeader(VigilHeaders.ALERT_ACTIVITY);
    boolean isNew = activity != null && "create".equals(new String(activity.value(), StandardCharsets.UTF_8));
    boolean statusChange = record.headers().lastHeader(VigilHeaders.ALERT_STATUS_CHANGE) != null;
    Message.Kind kind = Routing.route(output, alert, isNew, statusChange);
    if (kind == null) {
      return true;
    }
    // One instant for both: a window that ends between the two calls must be closed by its digest first.
    Instant now = Instant.now();
    if (!sendDigestIfDue(now)) {
      return false;
    }
    if (!throttle.admit(alert, now)) {
      state.throttled();
      firstHeld.putIfAbsent(tp, record.offset());
      return true;
    }
    Message message = new Message(kind, alert, null, null, Message.keyOf(alert.id(), record.offset()),
        links.apply(alert.id()));
    return deliver(message, tp);
  }

  /** Sends the digest of an ended window; false only when stopping before it was accepted. */
  private boolean sendDigestIfDue(Instant now) {
    Instant windowStart = throttle.windowStart();
    List<Throttle.Held> digest = throttle.due(now);
    if (digest.isEmpty()) {
      return true;
    }
    Message message = new Message(Message.Kind.DIGEST, null, digest, throttle.window(),
        "digest:" + output.id() + ":" + windowStart.toEpochMilli(), links.apply(null));
    if (!deliver(message, null)) {
      return false;
    }
    firstHeld.clear();
    return true;
  }

  /** Sends until accepted; false when stopping, or when {@code tp} (if any) was revoked meanwhile. */
  private boolean deliver(Message message, TopicPartition tp) {
    long wait = backoff.min().toMillis();
    try {
      while (running) {
        try {
          sender.send(message);
          state.delivered();
          return true;
        } catch (DeliveryException e) {
          boolean first = !"failing".equals(state.view().state());
          state.failed(e.getMessage(), true);
          if (first) {
            LOG.warn("output {} is failing, retrying with backoff: {}", output.id(), e.getMessage());
          }
          if (!waitPolling(wait) || (tp != null && !owned.contains(tp))) {
            return false;
          }
          wait = Math.min(wait * 2, backoff.max().toMillis());
        }
      }
      return false;
    } finally {
      consumer.resume(consumer.paused());
    }
  }

  /**
   * Waits {@code ms} while polling with every partition paused, so the group keeps this member; a
   * record of a partition assigned meanwhile is sought back to be read later. False when stopping.
   */
  private boolean waitPolling(long ms) {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (running && System.nanoTime() < deadline) {
      consumer.pause(consumer.assignment());
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(Math.min(left, POLL.toMillis())));
      for (TopicPartition tp : records.partitions()) {
        consumer.seek(tp, records.records(tp).get(0).offset());
      }
      commit();
      measureLag();
    }
    return running;
  }

  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : owned) {
      Long n = next.get(tp);
      if (n == null) {
        continue;
      }
      long offset = firstHeld.containsKey(tp) ? Math.min(n, firstHeld.get(tp)) : n;
      if (!Long.valueOf(offset).equals(committed.get(tp))) {
        offsets.put(tp, new OffsetAndMetadata(offset));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // Not committed: at worst these records are delivered again, with the same idempotency keys.
      LOG.debug("output {}: commit failed: {}", output.id(), e.toString());
    }
  }

  private void measureLag() {
    long now = System.currentTimeMillis();
    if (now - lagAt < LAG_EVERY_MS) {
      return;
    }
    lagAt = now;
    long lag = 0;
    for (TopicPartition tp : owned) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    state.lag(lag);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the loop and waits for its consumer to close (offsets of accepted records committed). */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (running) {
        commit();
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      owned.removeAll(partitions);
      partitions.forEach(tp -> {
        next.remove(tp);
        firstHeld.remove(tp);
        committed.remove(tp);
      });
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      owned.addAll(partitions);
      // A partition this output never committed starts at the output's creation: alerts published
      // since then are delivered even if the consumer joined after them.
      Map<TopicPartition, OffsetAndMetadata> known = consumer.committed(new HashSet<>(partitions));
      Map<TopicPartition, Long> fresh = new HashMap<>();
      for (TopicPartition tp : partitions) {
        if (known.get(tp) == null) {
          fresh.put(tp, output.createdAt() == null ? 0L : output.createdAt().toEpochMilli());
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndTimestamp> at = consumer.offsetsForTimes(fresh);
      for (TopicPartition tp : fresh.keySet()) {
        OffsetAndTimestamp found = at.get(tp);
        if (found != null) {
          consumer.seek(tp, found.offset());
        } else {
          consumer.seekToEnd(List.of(tp));
        }
      }
    }
  }
}
