package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.agent.AgentMain;
import dev.vigil.agent.TokenRefusedException;
import dev.vigil.ingest.ClusterRoutes;
import dev.vigil.ingest.GatewayFixture;
import dev.vigil.ingest.IngestLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real gateway (embedded broker, HTTPS): every line written arrives at least
 * once, through rotation of both kinds, a kill -9 of the agent's JVM, and a gateway outage, with
 * duplicates bounded by one batch per interruption.
 */
class AgentIT {
  private static final int BATCH_LINES = 50;
  private static final Duration ARRIVAL = Duration.ofSeconds(60);
  private static GatewayFixture f;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    f = new GatewayFixture(IngestLimits.defaults());
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  private List<String> flags(Path tokenFile, Path log) {
    return List.of(
        "--server", f.uri("").toString(),
        "--token-file", tokenFile.toString(),
        "--ca-file", f.caFile().toString(),
        "--path", log.toString(),
        "--state-dir", dir.resolve("state").toString(),
        "--max-batch-lines", Integer.toString(BATCH_LINES),
        "--max-batch-wait", "200ms",
        "--poll-interval", "50ms",
        "--initial-backoff", "100ms",
        "--max-backoff", "1s");
  }

  private Path tokenFile(String cluster) throws Exception {
    Path file = dir.resolve(cluster + ".token");
    Files.writeString(file, f.registerCluster(cluster) + "\n");
    return file;
  }

  /** The agent in a JVM of its own, with nothing but the agent module's classes on its class path. */
  private Process childAgent(Path tokenFile, Path log, Path output) throws Exception {
    String classes = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classes);
    command.add(AgentMain.class.getName());
    command.addAll(flags(tokenFile, log));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
  }

  private record Running(Agent agent, Thread thread, AtomicReference<Exception> failure) {}

  private Running inProcessAgent(Path tokenFile, Path log) {
    Agent agent = new Agent(AgentConfig.parse(flags(tokenFile, log).toArray(String[]::new)));
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        agent.run();
      } catch (Exception e) {
        failure.set(e);
      }
    }, "agent-under-test");
    thread.start();
    return new Running(agent, thread, failure);
  }

  private static void stopAgent(Running running) throws Exception {
    running.agent().stop();
    running.thread().join(30_000);
    assertThat(running.thread().isAlive()).isFalse();
    assertThat(running.failure().get()).isNull();
  }

  @Test
  void killedWithSigkillAndRestartedAcrossTwoRotationsDeliversEveryLineThenStopsWhenRevoked()
      throws Exception {
    Path tokenFile = tokenFile("kill-9");
    Path output = dir.resolve("agent.out");
    AuditLogWriter log = new AuditLogWriter(dir.resolve("logs").resolve("audit.log"), "k9");
    Files.createDirectories(log.live().getParent());
    log.write(2_000);
    try (ArrivedEvents arrived = new ArrivedEvents(f.kafka.bootstrapServers(), "kill-9")) {
      Process first = childAgent(tokenFile, log.live(), output);
      arrived.awaitAtLeast(300, ARRIVAL);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no last batch
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

      log.write(100);
      log.renameTo("audit-2025-01-01T00-00-00.000.log");
      log.write(150);
      log.renameTo("audit-2025-01-01T00-05-00.000.log");
      log.write(120);

      Process second = childAgent(tokenFile, log.live(), output);
      try {
        log.write(80);
        Map<String, Integer> counts = arrived.awaitAll(log.written(), ARRIVAL);
        assertThat(ArrivedEvents.duplicates(counts)).as("resent after the kill").isLessThanOrEqualTo(BATCH_LINES);

        assertThat(f.send(f.request(ClusterRoutes.PATH + "/kill-9", f.adminToken).DELETE().build()).statusCode())
            .isEqualTo(204);
        log.write(1);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the agent stops once its token is refused").isTrue();
        assertThat(second.exitValue()).isEqualTo(Agent.EXIT_TOKEN_REFUSED);
        assertThat(Files.readString(output, StandardCharsets.UTF_8))
            .contains("refused the cluster token (HTTP 401", "register it again");
      } finally {
        second.destroyForcibly();
      }
    }
  }

  @Test
  void copyTruncateWhileRunningAndWhileStoppedLosesNoLine() throws Exception {
    Path tokenFile = tokenFile("copytruncate");
    AuditLogWriter log = new AuditLogWriter(dir.resolve("audit.log"), "ct");
    log.write(120);
    try (ArrivedEvents arrived = new ArrivedEvents(f.kafka.bootstrapServers(), "copytruncate")) {
      Running agent = inProcessAgent(tokenFile, log.live());
      arrived.awaitAll(log.written(), ARRIVAL);
      log.write(30);
      log.copyTruncate("audit.log.1");
      log.write(40);
      arrived.awaitAll(log.written(), ARRIVAL);
      stopAgent(agent);

      log.write(25);
      log.copyTruncate("audit.log.2");
      log.write(35);
      Running restarted = inProcessAgent(tokenFile, log.live());
      Map<String, Integer> counts = arrived.awaitAll(log.written(), ARRIVAL);
      stopAgent(restarted);
      assertThat(ArrivedEvents.duplicates(counts)).isLessThanOrEqualTo(BATCH_LINES);
    }
  }

  @Test
  void aGatewayOutageDelaysButLosesNothingAndARevokedTokenStopsTheAgent() throws Exception {
    Path tokenFile = tokenFile("outage");
    AuditLogWriter log = new AuditLogWriter(dir.resolve("audit.log"), "out");
    log.write(100);
    try (ArrivedEvents arrived = new ArrivedEvents(f.kafka.bootstrapServers(), "outage")) {
      Running agent = inProcessAgent(tokenFile, log.live());
      arrived.awaitAll(log.written(), ARRIVAL);

      f.stopServer();
      try {
        log.write(100);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
            .until(() -> arrived.distinct() == 100);
      } finally {
        f.startServer();
      }
      Map<String, Integer> counts = arrived.awaitAll(log.written(), ARRIVAL);
      assertThat(ArrivedEvents.duplicates(counts)).isLessThanOrEqualTo(BATCH_LINES);
      assertThat(agent.thread().isAlive()).isTrue();

      HttpRequest delete = f.request(ClusterRoutes.PATH + "/outage", f.adminToken).DELETE().build();
      assertThat(f.send(delete).statusCode()).isEqualTo(204);
      log.write(1);
      agent.thread().join(30_000);
      assertThat(agent.failure().get())
          .isInstanceOf(TokenRefusedException.class)
          .hasMessageContaining("HTTP 401");
    }
  }

  @Test
  void aMisconfiguredServerIsReportedWithTheFlagToFix() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Agent.runFromCommandLine(
        new String[] {"--server", "ftp://vigil", "--token-file", dir.resolve("t").toString()},
        System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(Agent.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--server ftp://vigil is not an http(s) URL");
  }
}
