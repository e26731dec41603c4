package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.settings.VigilConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end test against an external Kafka ({@code --kafka-bootstrap}) in the official
 * {@code apache/kafka} image. It needs a Docker engine: where there is none it is reported as skipped
 * ("Docker is not available") and {@link VigilUpIT} covers the same path on the embedded broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class VigilUpContainersIT {
  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @TempDir Path dir;

  @Test
  void testAlertThroughAnExternalKafka() {
    VigilConfig config = VigilConfig.forTests(dir).withRoles(Role.all(), KAFKA.getBootstrapServers());
    try (VigilServer server = VigilServer.start(config)) {
      assertThat(run("cluster", "add", "demo", "--data-dir", dir.toString())).isZero();
      assertThat(run("simulate", "--cluster", "demo", "--data-dir", dir.toString())).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        StringWriter out = new StringWriter();
        Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
            .execute("alerts", "--data-dir", dir.toString());
        return out.toString().contains("K8S_TestAlert");
      });
    }
  }

  private static int run(String... args) {
    return Vigil.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true))
        .execute(args);
  }
}
