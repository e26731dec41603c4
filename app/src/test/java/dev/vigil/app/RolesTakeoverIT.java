package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles as separate processes on one broker: a gateway + alerts-api process and two detect processes,
 * one of them a child JVM killed with SIGKILL half-way. The survivor takes over its partitions; every
 * event raises its alert once, none is lost and none is duplicated.
 */
class RolesTakeoverIT {
  static final int EVENTS = 40;

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** One test-alert request per event, each in its own namespace (so its own alert) and by its own user. */
  private Path events(int from, int to) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = from; i < to; i++) {
      String event = new String(TestAlertEvent.create("user-" + i, Instant.now()), StandardCharsets.UTF_8)
          .replace(TestAlertEvent.NAMESPACE, "asc-alerttest-takeover-" + i);
      lines.append(event).append('\n');
    }
    return Files.writeString(dir.resolve("events-" + from + ".jsonl"), lines);
  }

  private List<JsonNode> testAlerts(Path frontData) throws Exception {
    Run run = vigil("alerts", "--json", "--type", "K8S_TestAlert", "--limit", "1000", "--data-dir",
        frontData.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<JsonNode> alerts = new ArrayList<>();
    Json.mapper().readTree(run.out()).forEach(alerts::add);
    return alerts;
  }

  @Test
  void theSurvivingDetectInstanceTakesOverWithNothingLostAndNothingDuplicated() throws Exception {
    Path token = dir.resolve("demo.token");
    try (SplitRoles roles = SplitRoles.start(dir)) {
      Path front = roles.front;
      Run add = vigil("cluster", "add", "demo", "--data-dir", front.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      Run first = vigil("send", "--token-file", token.toString(), "--data-dir", front.toString(),
          events(0, EVENTS / 2).toString());
      assertThat(first.out()).as(first.err()).contains("accepted " + EVENTS / 2 + ", rejected 0");
      await().atMost(Duration.ofSeconds(60)).until(() -> testAlerts(front).size() == EVENTS / 2);

      roles.detectB.destroyForcibly().waitFor();

      Run second = vigil("send", "--token-file", token.toString(), "--data-dir", front.toString(),
          events(EVENTS / 2, EVENTS).toString());
      assertThat(second.out()).as(second.err()).contains("accepted " + EVENTS / 2 + ", rejected 0");
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> testAlerts(front).size() >= EVENTS);
      // Give a duplicate, if any, the time to show up before counting.
      Thread.sleep(3000);

      List<JsonNode> alerts = testAlerts(front);
      Set<String> namespaces = new HashSet<>();
      for (JsonNode alert : alerts) {
        assertThat(alert.path("count").asLong()).as(alert.toString()).isEqualTo(1);
        namespaces.add(alert.path("compromisedEntity").asText());
      }
      Set<String> expected = new HashSet<>();
      IntStream.range(0, EVENTS).forEach(i -> expected.add("asc-alerttest-takeover-" + i));
      System.out.printf("roles takeover: %d events pushed, %d alerts, %d distinct, expected %d%n",
          EVENTS, alerts.size(), namespaces.size(), expected.size());
      assertThat(alerts).hasSize(EVENTS);
      assertThat(namespaces).isEqualTo(expected);
      assertThat(roles.detectA.ready()).isTrue();
    }
  }
}
