package dev.vigil.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The Vigil agent: tails a kube-apiserver audit log and ships its lines to the gateway.
 *
 * <p>One thread reads lines into a batch, sends the batch when it is full or old enough, and only
 * after the gateway acknowledged it writes the checkpoint (file identity and offset). At most one
 * batch is unacknowledged at any time, so after a crash at most that batch is sent again, and memory
 * is bounded by one batch and one line. Uses only the JDK.
 */
public final class Agent {
  private static final System.Logger log = System.getLogger(Agent.class.getName());

  /** Exit status after {@link #stop()}. */
  public static final int EXIT_STOPPED = 0;
  /** Exit status for a configuration the agent cannot work with. */
  public static final int EXIT_CONFIG = 2;
  /** Exit status when the gateway refused the token: the cluster was removed or its token revoked. */
  public static final int EXIT_TOKEN_REFUSED = 3;

  private final AgentConfig config;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicLong linesAcknowledged = new AtomicLong();
  private final AtomicLong linesRefused = new AtomicLong();

  public Agent(AgentConfig config) {
    this.config = config;
  }

  /**
   * Tails and ships until {@link #stop()} is called; then sends the open batch once more.
   *
   * @throws TokenRefusedException when the gateway refuses the token
   * @throws AgentException when the server is not a Vigil gateway
   * @throws IOException when the log or the checkpoint cannot be read or written
   */
  public void run() throws AgentException, IOException, InterruptedException {
    try {
      loop();
    } finally {
      finished.countDown();
    }
  }

  private void loop() throws AgentException, IOException, InterruptedException {
    Checkpoint checkpoint = new Checkpoint(config.stateDir(), config.path());
    Shipper shipper =
        new Shipper(
            config.endpoint(),
            config.tokenFile(),
            config.caFile() == null ? null : AgentTls.trusting(config.caFile()),
            config.requestTimeout(),
            new Backoff(config.initialBackoff(), config.maxBackoff(), RandomGenerator.getDefault()),
            this::pause);
    Optional<Checkpoint.Saved> saved = checkpoint.load();
    log.log(
        System.Logger.Level.INFO,
        "vigil agent tailing {0} to {1}; checkpoint {2} ({3})",
        config.path(),
        config.endpoint(),
        checkpoint.file(),
        saved.map(s -> "resuming at offset " + s.position().offset() + " of " + s.position().path())
            .orElse("none yet: starting at the beginning of the live log"));
    try (LogFollower follower = new LogFollower(config.path(), config.maxLineBytes())) {
      if (saved.isPresent()) {
        follower.start(saved);
      } else {
        follower.startWithHistory();
      }
      boolean checkpointed = saved.isPresent();
      List<byte[]> batch = new ArrayList<>();
      boolean batchHistory = false;
      long batchBytes = 0;
      long firstLineNanos = 0;
      Position last = null;
      while (stopping.getCount() > 0) {
        if (!checkpointed) {
          // Recorded before anything is sent, so a restart finds a file rotated away meanwhile.
          Position first = follower.current();
          if (first != null) {
            checkpoint.save(first);
            checkpointed = true;
          }
        }
        LogFollower.Line line = follower.next();
        if (line != null) {
          // A batch is history or live as a whole: the gateway marks a request, not a line.
          if (!batch.isEmpty() && (batchBytes + line.bytes().length > config.maxBatchBytes()
              || line.history() != batchHistory)) {
            if (!flush(shipper, checkpoint, batch, last, batchHistory)) {
              break;
            }
            batchBytes = 0;
          }
          if (batch.isEmpty()) {
            firstLineNanos = System.nanoTime();
            batchHistory = line.history();
          }
          batch.add(line.bytes());
          batchBytes += line.bytes().length + 1;
          last = line.after();
          if (batch.size() < config.maxBatchLines()
              && batchBytes < config.maxBatchBytes()
              && age(firstLineNanos).compareTo(config.maxBatchWait()) < 0) {
            continue;
          }
        } else if (batch.isEmpty()) {
          pause(config.pollInterval());
          continue;
        } else {
          Duration left = config.maxBatchWait().minus(age(firstLineNanos));
          if (!left.isNegative() && !left.isZero()) {
            pause(left.compareTo(config.pollInterval()) < 0 ? left : config.pollInterval());
            continue;
          }
        }
        if (!flush(shipper, checkpoint, batch, last, batchHistory)) {
          break;
        }
        batchBytes = 0;
      }
      if (!batch.isEmpty()) {
        // Stopping: one attempt for the open batch; if it fails, the checkpoint still precedes it.
        flush(shipper, checkpoint, batch, last, batchHistory);
      }
    }
    log.log(System.Logger.Level.INFO, "vigil agent stopped after {0} lines", linesAcknowledged.get());
  }

  /** Sends the batch; after the acknowledgement saves the checkpoint. False when stopping first. */
  private boolean flush(Shipper shipper, Checkpoint checkpoint, List<byte[]> batch, Position last,
      boolean history) throws AgentException, IOException, InterruptedException {
    if (!ship(shipper, batch, history)) {
      return false;
    }
    checkpoint.save(last);
    batch.clear();
    return true;
  }

  /**
   * Sends lines until acknowledged. A batch the gateway refuses as a whole (400, 413) is split in
   * halves until the line at fault is alone, which is reported and skipped.
   */
  private boolean ship(Shipper shipper, List<byte[]> lines, boolean history)
      throws AgentException, InterruptedException {
    Optional<Shipper.Outcome> sent = shipper.send(lines, history);
    if (sent.isEmpty()) {
      return false;
    }
    Shipper.Outcome outcome = sent.get();
    if (outcome.acknowledged()) {
      linesAcknowledged.addAndGet(lines.size());
      if (outcome.rejected() > 0) {
        log.log(
            System.Logger.Level.WARNING,
            "the gateway rejected {0} of {1} lines to its dead-letter topic, e.g.: {2}",
            outcome.rejected(),
            lines.size(),
            outcome.message());
      }
      return true;
    }
    if (lines.size() == 1) {
      linesRefused.incrementAndGet();
      log.log(
          System.Logger.Level.WARNING,
          "the gateway refused a line of {0} bytes (HTTP {1}: {2}); skipping it",
          lines.get(0).length,
          outcome.status(),
          outcome.message());
      return true;
    }
    int half = lines.size() / 2;
    return ship(shipper, new ArrayList<>(lines.subList(0, half)), history)
        && ship(shipper, new ArrayList<>(lines.subList(half, lines.size())), history);
  }

  private static Duration age(long sinceNanos) {
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }

  /** Waits, returning early (true) once the agent is stopping. */
  private boolean pause(Duration duration) throws InterruptedException {
    return stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks the agent to stop: it sends its open batch once and returns from {@link #run()}. */
  public void stop() {
    stopping.countDown();
  }

  /** Waits for {@link #run()} to return after {@link #stop()}. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lines the gateway acknowledged (accepted or dead-lettered) since the start. */
  public long linesAcknowledged() {
    return linesAcknowledged.get();
  }

  /**
   * Runs an agent from command-line flags until it is stopped by a signal or the gateway refuses its
   * token, as {@code vigil agent} and {@link AgentMain} do.
   *
   * @return the exit status: {@link #EXIT_STOPPED}, {@link #EXIT_CONFIG} or {@link #EXIT_TOKEN_REFUSED}
   */
  public static int runFromCommandLine(String[] args, PrintStream out, PrintStream err) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(AgentConfig.usage());
        return EXIT_STOPPED;
      }
    }
    Agent agent;
    try {
      agent = new Agent(AgentConfig.parse(args));
    } catch (IllegalArgumentException e) {
      err.println("vigil agent: " + e.getMessage());
      return EXIT_CONFIG;
    }
    Thread hook =
        new Thread(
            () -> {
              agent.stop();
              try {
                agent.awaitFinished(Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vigil-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      agent.run();
      return EXIT_STOPPED;
    } catch (AgentException e) {
      err.println("vigil agent: " + e.getMessage());
      return e.exitStatus();
    } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      err.println("vigil agent: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_STOPPED;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped the agent
      }
    }
  }
}
