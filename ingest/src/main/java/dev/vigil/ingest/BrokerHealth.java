package dev.vigil.ingest;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers at all, checked off the request path: one {@code describeCluster}
 * every {@link #INTERVAL}, each given {@link #TIMEOUT}. After {@link #FAILURES_TO_DOWN} failures in a
 * row the cluster is down and {@code onDown} runs once; the first probe answered makes it up again.
 *
 * <p>A lost broker of several is not "down": the others answer, and its partitions' new leaders take
 * the gateway's records. Only when no broker answers does the gateway stop sending requests a wait.
 */
final class BrokerHealth implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerHealth.class);

  static final Duration INTERVAL = Duration.ofMillis(250);
  static final Duration TIMEOUT = Duration.ofMillis(750);

  /** Two: one slow answer of a busy broker must not refuse requests and cut those in flight. */
  static final int FAILURES_TO_DOWN = 2;

  /** The longest a request can wait for Kafka after the last broker stopped answering, before 503. */
  static final Duration NOTICE_BOUND = INTERVAL.plus(TIMEOUT.multipliedBy(FAILURES_TO_DOWN)).plus(INTERVAL);

  private final Admin admin;
  private final Runnable onDown;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong downSince = new AtomicLong();
  private final ScheduledFuture<?> schedule;

  BrokerHealth(Admin admin, ScheduledExecutorService timer, Runnable onDown) {
    this.admin = admin;
    this.onDown = onDown;
    this.schedule = timer.scheduleWithFixedDelay(
        this::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** When the cluster stopped answering, in {@link System#nanoTime()} units, or 0 while it answers. */
  long downSince() {
    return downSince.get();
  }

  private void probe() {
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
          .nodes()
          .whenComplete((nodes, e) -> {
            probing.set(false);
            if (e == null && !nodes.isEmpty()) {
              failures.set(0);
              if (downSince.getAndSet(0) != 0) {
                log.info("Kafka answers again");
              }
            } else if (failures.incrementAndGet() >= FAILURES_TO_DOWN
                && downSince.compareAndSet(0, System.nanoTime())) {
              log.warn("Kafka has not answered {} probes in a row ({}); refusing audit events with 503",
                  FAILURES_TO_DOWN, e == null ? "no brokers" : e.toString());
              onDown.run();
            }
          });
    } catch (RuntimeException e) {
      probing.set(false);
      log.warn("cannot probe Kafka: {}", e.toString());
    }
  }

  @Override
  public void close() {
    schedule.cancel(false);
    admin.close(Duration.ofSeconds(2));
  }
}
