package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AgentUnitsTest {

  @Test
  void theAgentPackageImportsNothingButTheJdk() throws IOException {
    Path sources = Path.of("src/main/java/dev/vigil/agent");
    Pattern imports = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    List<String> foreign = new ArrayList<>();
    int files = 0;
    try (Stream<Path> list = Files.list(sources)) {
      for (Path file : (Iterable<Path>) list::iterator) {
        files++;
        Matcher m = imports.matcher(Files.readString(file));
        while (m.find()) {
          String name = m.group(2);
          if (!name.startsWith("java.") && !name.startsWith("javax.")) {
            foreign.add(file.getFileName() + ": " + name);
          }
        }
        assertThat(Files.readString(file)).as(file + " names no other Vigil package")
            .doesNotContain("dev.vigil.schemas", "dev.vigil.ingest", "org.apache.kafka");
      }
    }
    assertThat(files).isGreaterThan(5);
    assertThat(foreign).isEmpty();
  }

  @Test
  void backoffGrowsExponentiallyWithJitterUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new Random(42));
    for (int attempt = 1; attempt <= 10; attempt++) {
      long ceiling = Math.min(2_000, 100L << (attempt - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delay(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void retryAfterReadsSecondsAndHttpDatesAndCapsThem() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    assertThat(Backoff.retryAfter("5", now)).contains(Duration.ofSeconds(5));
    assertThat(Backoff.retryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).contains(Duration.ofSeconds(30));
    assertThat(Backoff.retryAfter("86400", now)).contains(Backoff.MAX_RETRY_AFTER);
    assertThat(Backoff.retryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).contains(Duration.ZERO);
    assertThat(Backoff.retryAfter("soon", now)).isEmpty();
    assertThat(Backoff.retryAfter(null, now)).isEmpty();
  }

  @Test
  void flagsParseWithDefaultsAndBadOnesAreNamed() {
    AgentConfig config = AgentConfig.parse("--server", "https://vigil:8443/", "--token-file=t",
        "--max-batch-wait", "250ms", "--max-backoff", "PT1M");
    assertThat(config.endpoint().toString()).isEqualTo("https://vigil:8443/v1/audit");
    assertThat(config.path()).isEqualTo(AgentConfig.DEFAULT_PATH);
    assertThat(config.maxBatchWait()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.maxBackoff()).isEqualTo(Duration.ofMinutes(1));

    assertThatThrownBy(() -> AgentConfig.parse("--token-file", "t"))
        .hasMessageContaining("--server is required");
    assertThatThrownBy(() -> AgentConfig.parse("--server", "https://v", "--token-file", "t", "--bogus", "1"))
        .hasMessageContaining("unknown option --bogus");
    assertThatThrownBy(() -> AgentConfig.parse("--server", "https://v", "--token-file", "t", "--max-batch-wait", "soon"))
        .hasMessageContaining("--max-batch-wait 'soon' is not a duration");
    assertThatThrownBy(() -> AgentConfig.parse("--server", "https://v", "--token-file", "t", "--max-batch-lines", "0"))
        .hasMessageContaining("--max-batch-lines must be positive");
  }

  @Test
  void gzipBodiesAreJsonLinesAndMessagesAreReadFromErrors() throws IOException {
    byte[] body = Shipper.gzip(List.of("{\"a\":1}".getBytes(), "{\"b\":2}".getBytes()));
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
      assertThat(new String(in.readAllBytes())).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }
    assertThat(Shipper.message("{\"error\":\"unauthorized\",\"message\":\"the token is \\\"revoked\\\"\"}"))
        .isEqualTo("the token is \"revoked\"");
    assertThat(Shipper.message("<html>bad gateway</html>")).isEqualTo("<html>bad gateway</html>");
  }
}
