package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code vigil detect} instances share a steady stream of events; one, a child JVM, is killed with
 * SIGKILL in the middle of it, with a transaction open. The survivor takes over its partitions, the
 * killed instance's open transaction is aborted, and every event is a committed finding and counted in
 * its alert exactly once: 0 lost, 0 duplicated.
 */
class DetectFailoverIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killNineOfADetectInstanceMidStreamLosesAndDuplicatesNothing() throws Exception {
    try (SplitRoles roles = SplitRoles.start(dir)) {
      Process detectB = roles.detectB;
      Https https = Https.of(roles.gatewayAndApi);
      String adminToken = Files.readString(roles.front.resolve("admin.token")).trim();
      String token = https.addCluster(adminToken, "failover");
      LoadClient load = new LoadClient(https, token, 3, 5, Duration.ofMillis(200), MarkerTally.events("detect"))
          .paced(Duration.ofMillis(50)).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= 400);
      detectB.destroyForcibly();
      assertThat(detectB.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      int acknowledgedAtKill = load.acknowledged.size();
      await().atMost(Duration.ofSeconds(90)).until(() -> SplitRoles.activeMembers(roles.admin, "vigil-detection") == 1);
      long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= acknowledgedAtKill + 400);
      load.stop(Duration.ofSeconds(30));

      MarkerTally tally = MarkerTally.read(Map.of("bootstrap.servers", roles.kafka.bootstrapServers()),
          load.acknowledged, Duration.ofSeconds(120), Duration.ofSeconds(3));
      System.out.printf("DETECT-FAILOVER acknowledged=%d (at kill %d) lost=%d %s; survivor alone in the group "
              + "%d ms after the kill; refusals=%d%n",
          load.acknowledged.size(), acknowledgedAtKill, tally.lost(load.acknowledged), tally.summary(),
          takeoverMs, load.refusals.size());
      assertThat(tally.lost(load.acknowledged)).as("acknowledged events missing from the raw topic").isZero();
      assertThat(tally.mismatches()).as("markers not processed exactly once").isEmpty();
      assertThat(load.refusals).as("the gateway was not disturbed, so no event was sent twice").isEmpty();
      assertThat(tally.raw.values()).allMatch(n -> n == 1);
      assertThat(roles.detectA.ready()).isTrue();
    }
  }
}
