package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.kafkalocal.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every role in its own JVM — {@code vigil gateway}, {@code vigil detect} and two {@code vigil
 * alerts-api} — restarted one at a time under load (SIGTERM, wait for the exit, start on the same data dir and
 * port). Nothing acknowledged is lost, every event is processed exactly once, every instance exits
 * within its Kubernetes grace period, an alert's status change survives the restart of both alerts-api
 * instances, and a live stream cut by the restart resumes on the other instance with
 * {@code Last-Event-ID} without missing an alert.
 */
class RollingRestartIT {
  /** {@code terminationGracePeriodSeconds} of the role's manifest in {@code deploy/kubernetes}. */
  private static final Map<String, Duration> GRACE = Map.of(
      "gateway", Duration.ofSeconds(30), "detect", Duration.ofSeconds(60), "alerts-api", Duration.ofSeconds(60));

  @TempDir Path dir;

  /** One role instance: a child JVM on a fixed data dir and port, so a restart is the same instance. */
  final class Instance {
    final String role;
    final String name;
    final Path data;
    final int port;
    final Path output;
    final String bootstrap;
    Process process;
    int readyLines;

    Instance(String role, int n, String bootstrap, Path tls) throws Exception {
      this.role = role;
      this.name = role + "-" + n;
      this.data = dir.resolve(name);
      this.output = dir.resolve(name + ".out");
      this.bootstrap = bootstrap;
      try (ServerSocket free = new ServerSocket(0)) {
        this.port = free.getLocalPort();
      }
      // Instances behind one address share the TLS key: stream ids are encrypted with a key derived from it.
      Files.createDirectories(data.resolve("tls"));
      try (var files = Files.list(tls)) {
        for (Path f : files.toList()) {
          Files.copy(f, data.resolve("tls").resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }

    void start() throws Exception {
      process = SplitRoles.child(data, output, role, "--kafka-bootstrap", bootstrap,
          "--port", Integer.toString(port));
    }

    void awaitReady() {
      int before = readyLines;
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
        assertThat(process.isAlive()).as(name + " exited: " + Files.readString(output)).isTrue();
        return Files.readString(output).split("Vigil is ready", -1).length - 1 > before;
      });
      readyLines = before + 1;
    }

    /** SIGTERM; returns how long the process took to exit. */
    long stop() throws Exception {
      long start = System.nanoTime();
      process.destroy();
      if (!process.waitFor(GRACE.get(role).toSeconds() + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return (System.nanoTime() - start) / 1_000_000;
    }

    Https https(Path ca) {
      return new Https("https://127.0.0.1:" + port, port, ca);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void restartingEveryRoleInTurnUnderLoadLosesNothingAndDuplicatesNothing() throws Exception {
    Path tls = dir.resolve("shared-tls");
    TlsMaterial.loadOrCreate(tls, List.of());
    Path ca = tls.resolve("ca.crt");
    List<Instance> all = new ArrayList<>();
    List<LoadClient> loads = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      // One gateway and one detect instance: two of every role (six JVMs) took over 12 minutes on the
      // 2-core CI machine; two detect instances taking over from each other is DetectFailoverIT's.
      all.add(new Instance("gateway", 1, kafka.bootstrapServers(), tls));
      all.add(new Instance("detect", 1, kafka.bootstrapServers(), tls));
      all.add(new Instance("alerts-api", 1, kafka.bootstrapServers(), tls));
      all.add(new Instance("alerts-api", 2, kafka.bootstrapServers(), tls));
      // The first gateway alone first: it creates the topics and the admin token.
      all.get(0).start();
      all.get(0).awaitReady();
      for (Instance i : all.subList(1, all.size())) {
        i.start();
      }
      for (Instance i : all.subList(1, all.size())) {
        i.awaitReady();
      }
      progress("all started");

      String adminToken = Files.readString(all.get(0).data.resolve("admin.token")).trim();
      Https gateway1 = all.get(0).https(ca);
      Https api1 = all.get(2).https(ca);
      Https api2 = all.get(3).https(ca);
      String token = gateway1.addCluster(adminToken, "rolling");
      AlertStream first = AlertStream.open(api1, adminToken, null, Duration.ofSeconds(90));
      loads.add(new LoadClient(gateway1, token, 2, 4, Duration.ofMillis(200), MarkerTally.events("rolling"))
          .paced(Duration.ofMillis(150)).start());
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged(loads).size() >= 100);

      Map<String, Long> exitMs = new LinkedHashMap<>();
      Map<String, Long> restartMs = new LinkedHashMap<>();
      String alertId = null;
      String lastIdOnFirst = null;
      for (Instance instance : all) {
        if (instance.name.equals("alerts-api-1")) {
          // Before the alerts-api instances restart: a status change, made on the first of them.
          JsonNode alert = api1.get("/v1/alerts?type=K8S_TestAlert&limit=1", adminToken).json().path("alerts").get(0);
          alertId = alert.path("id").asText();
          Https.Answer changed = api1.method("PATCH", "/v1/alerts/" + alertId, adminToken,
              "{\"status\":\"InProgress\",\"comment\":\"rolling restart\"}");
          assertThat(changed.status()).as(changed.body()).isIn(200, 202);
        }
        int acknowledgedBefore = acknowledged(loads).size();
        exitMs.put(instance.name, instance.stop());
        progress(instance.name + " exited after " + exitMs.get(instance.name) + " ms");
        assertThat(instance.process.exitValue()).as(instance.name + " exit status after SIGTERM").isNotEqualTo(137);
        if (instance.name.equals("alerts-api-1")) {
          await().atMost(Duration.ofSeconds(10)).until(first::ended);
          // The stopping server ended the open stream itself rather than waiting out its graceful
          // shutdown and cutting the connection: the reader saw a clean end of the stream.
          assertThat(first.failure()).as("how the stream ended").isNull();
          lastIdOnFirst = first.lastId();
        }
        long start = System.nanoTime();
        instance.start();
        instance.awaitReady();
        restartMs.put(instance.name, (System.nanoTime() - start) / 1_000_000);
        progress(instance.name + " ready again after " + restartMs.get(instance.name) + " ms");
        // Under load between two restarts: events go on being acknowledged.
        await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged(loads).size() >= acknowledgedBefore + 50);
      }
      for (LoadClient load : loads) {
        load.stop(Duration.ofSeconds(60));
      }
      Set<String> acknowledged = acknowledged(loads);

      // The status change survived the restart of both alerts-api instances, as seen by each.
      String changedId = alertId;
      for (Https api : List.of(api1, api2)) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
          JsonNode alert = api.get("/v1/alerts/" + changedId, adminToken).json();
          assertThat(alert.path("status").asText()).as(alert.toString()).isEqualTo("InProgress");
        });
      }

      MarkerTally tally = MarkerTally.read(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          acknowledged, Duration.ofSeconds(180), Duration.ofSeconds(3));

      long refused = loads.stream().mapToLong(l -> l.refusals.size()).sum();
      Map<Integer, Long> statuses = new java.util.TreeMap<>();
      loads.forEach(l -> l.byStatus.forEach((s, n) -> statuses.merge(s, n.get(), Long::sum)));
      System.out.printf("ROLLING acknowledged=%d lost=%d %s; client refusals=%d statuses=%s%n",
          acknowledged.size(), tally.lost(acknowledged), tally.summary(), refused, statuses);
      System.out.printf("ROLLING exit after SIGTERM ms=%s; restart to ready ms=%s; grace s=%s%n",
          exitMs, restartMs, GRACE);
      assertThat(tally.lost(acknowledged)).as("acknowledged events missing from the raw topic").isZero();
      assertThat(tally.mismatches()).as("markers not processed exactly once").isEmpty();
      assertThat(tally.resent()).as("events a client had to send twice").isZero();
      for (Instance instance : all) {
        assertThat(exitMs.get(instance.name)).as(instance.name + " exit after SIGTERM, ms")
            .isLessThan(GRACE.get(instance.role).toMillis());
      }
      // The stream cut when alerts-api-1 stopped resumes on alerts-api-2 from its last id: every alert
      // of the run is in one of the two parts. Like a client (`vigil alerts --follow`), the reader
      // reconnects with its last id if the server cuts it off (a reader too slow for a replay).
      Set<String> streamed = new HashSet<>();
      first.alerts().forEach(a -> streamed.add(a.path("compromisedEntity").asText()));
      int firstPart = streamed.size();
      int resumedEvents = 0;
      int reconnects = 0;
      String resumeFrom = lastIdOnFirst;
      long streamDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!streamed.containsAll(tally.raw.keySet()) && System.nanoTime() < streamDeadline) {
        try (AlertStream resumed = AlertStream.open(api2, adminToken, resumeFrom, Duration.ofSeconds(60))) {
          while (!resumed.ended() && !streamed.containsAll(tally.raw.keySet()) && System.nanoTime() < streamDeadline) {
            Thread.sleep(200);
            resumed.alerts().forEach(a -> streamed.add(a.path("compromisedEntity").asText()));
          }
          resumed.alerts().forEach(a -> streamed.add(a.path("compromisedEntity").asText()));
          resumedEvents += resumed.events.size();
          resumeFrom = resumed.lastId();
          reconnects++;
        }
      }
      long missed = tally.raw.keySet().stream().filter(m -> !streamed.contains(m)).count();
      System.out.printf("ROLLING stream: %d alerts before alerts-api-1 stopped, %d events after resuming on "
          + "alerts-api-2 with Last-Event-ID (%d connections), markers missed %d of %d%n", firstPart, resumedEvents,
          reconnects, missed, tally.raw.size());
      assertThat(missed).as("markers whose alert the resumed stream never delivered").isZero();
      first.close();
    } finally {
      for (LoadClient load : loads) {
        load.close();
      }
      for (Instance i : all) {
        if (i.process != null) {
          i.process.destroyForcibly();
        }
      }
    }
  }

  private static void progress(String what) {
    System.out.println("ROLLING " + java.time.Instant.now() + " " + what);
  }

  private static Set<String> acknowledged(List<LoadClient> loads) {
    Set<String> all = new HashSet<>();
    loads.forEach(l -> all.addAll(l.acknowledged));
    return all;
  }
}
