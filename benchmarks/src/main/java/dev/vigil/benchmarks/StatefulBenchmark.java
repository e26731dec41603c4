package dev.vigil.benchmarks;

import dev.vigil.detection.stateful.StatefulConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stateful path of detection: events through the whole detection topology (parse, stage rule,
 * single-event catalogue, every stateful detector on RocksDB with changelogs captured by the test
 * driver), for 10,000 principals. {@code statefulMix} sends events the stateful detectors aggregate
 * (service-account operations, secret reads, lists, refused requests); {@code ignoredByStatefulRules}
 * sends events they all skip without touching a store, the cost floor of the same topology.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Thread)
public class StatefulBenchmark {

  private static final int PRINCIPALS = 10_000;
  private static final int EVENTS = 8_192;

  private Path stateDir;
  private StatefulLoad load;
  private byte[][] mix;
  private String[] mixUsers;
  private byte[][] ignored;
  private String[] ignoredUsers;
  private int next;
  private long clockMs;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stateDir = Files.createTempDirectory("vigil-bench-state");
    load = new StatefulLoad(stateDir, StatefulConfig.defaults());
    mix = new byte[EVENTS][];
    mixUsers = new String[EVENTS];
    ignored = new byte[EVENTS][];
    ignoredUsers = new String[EVENTS];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < EVENTS; i++) {
      int p = random.nextInt(PRINCIPALS);
      String sa = StatefulLoad.serviceAccount(p);
      String ns = "team-" + (p % 50);
      int kind = random.nextInt(10);
      mixUsers[i] = sa;
      mix[i] = switch (kind) {
        case 0, 1, 2, 3, 4 -> StatefulLoad.event(i, sa, random.nextBoolean() ? "get" : "list",
            random.nextBoolean() ? "configmaps" : "pods", ns, null, 200, StatefulLoad.T0);
        case 5, 6 -> StatefulLoad.event(i, sa, "get", "secrets", ns, "s-" + random.nextInt(20), 200,
            StatefulLoad.T0);
        case 7, 8 -> StatefulLoad.event(i, sa, "list", "type-" + random.nextInt(8), ns, null, 200,
            StatefulLoad.T0);
        default -> StatefulLoad.event(i, sa, "get", "nodes", null, null, 403, StatefulLoad.T0);
      };
      String person = "user-" + p + "@example.com";
      ignoredUsers[i] = person;
      ignored[i] = StatefulLoad.event(i, person, "get", "pods", ns, "web-" + (i % 7), 200, StatefulLoad.T0);
    }
    clockMs = StatefulLoad.T0.toEpochMilli();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    load.close();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** Event time advances 10 ms per event (100 events/s of audit time); punctuation every 1,000 events. */
  private void tick() {
    clockMs += 10;
    if (++next % 1_000 == 0) {
      load.driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
  }

  @Benchmark
  public void statefulMix() {
    int i = next & (EVENTS - 1);
    load.send(mixUsers[i], mix[i], clockMs);
    tick();
  }

  @Benchmark
  public void ignoredByStatefulRules() {
    int i = next & (EVENTS - 1);
    load.send(ignoredUsers[i], ignored[i], clockMs);
    tick();
  }
}
