package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert type of the detection catalogue, end to end: a real server on the embedded broker,
 * started with a {@code --detection-config} file that switches on the opt-in types, receives the
 * first must-fire fixture of every type over HTTPS ({@code vigil send}) and lists every type in
 * {@code GET /v1/alerts}.
 */
class DetectionCatalogueUpIT {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Path detectionTestResources() {
    String path = System.getProperty("vigil.detection.testResources");
    assertThat(path).as("system property vigil.detection.testResources (set by the app pom)").isNotNull();
    return Path.of(path);
  }

  Set<String> alertTypes() throws Exception {
    Run run = vigil("alerts", "--json", "--data-dir", dir.toString(), "--limit", "200");
    assertThat(run.exit()).as(run.err()).isZero();
    Set<String> types = new TreeSet<>();
    for (JsonNode alert : Json.mapper().readTree(run.out())) {
      types.add(alert.path("alertType").asText());
    }
    return types;
  }

  @Test
  void theMustFireFixtureOfEveryTypeShowsUpInTheAlertsApi() throws Exception {
    Path resources = detectionTestResources();
    Path rules = dir.resolve("detection.yaml");
    Files.copy(resources.resolve("catalogue-test-rules.yaml"), rules);
    List<Path> fixtures = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    try (Stream<Path> folders = Files.list(resources.resolve("fixtures"))) {
      for (Path folder : folders.sorted().collect(Collectors.toList())) {
        try (Stream<Path> files = Files.list(folder)) {
          Path first = files.filter(f -> f.getFileName().toString().startsWith("fires-"))
              .sorted().findFirst().orElseThrow();
          fixtures.add(first);
          types.add(folder.getFileName().toString());
        }
      }
    }
    assertThat(types).hasSizeGreaterThanOrEqualTo(49);

    Path token = dir.resolve("demo.token");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir).with(Settings.DETECTION_CONFIG, rules))) {
      Run add = vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      List<String> send = new ArrayList<>(List.of("send", "--token-file", token.toString(),
          "--data-dir", dir.toString()));
      fixtures.forEach(f -> send.add(f.toString()));
      Run sent = vigil(send.toArray(String[]::new));
      assertThat(sent.exit()).as(sent.err()).isZero();
      assertThat(sent.out()).doesNotContain("rejected 1");

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(alertTypes()).containsAll(types));
    }
  }

  @Test
  void anUnknownKeyInTheDetectionConfigStopsStartUpNamingTheKeyAndLine() throws Exception {
    Path rules = dir.resolve("typo.yaml");
    Files.writeString(rules, "alertTypes:\n  K8S_PrivilegedContainer:\n    trustedImages: [nginx]\n");
    try {
      VigilServer.start(VigilConfig.forTests(dir).with(Settings.DETECTION_CONFIG, rules)).close();
      throw new AssertionError("start-up should have failed");
    } catch (StartupException e) {
      assertThat(e.getMessage()).contains("typo.yaml", "line 3", "unknown key \"trustedImages\"",
          "--detection-config");
    }
  }
}
