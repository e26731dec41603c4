package dev.vigil.app.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alerts.AlertsConfig;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.WorkspaceQuotas;
import dev.vigil.ingest.admission.AdmissionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void keysAndEnvironmentVariablesAreUniqueAndFollowTheNamingRule() {
    Set<String> keys = new HashSet<>();
    Set<String> env = new HashSet<>();
    for (Setting<?> setting : Settings.ALL) {
      assertThat(keys.add(setting.key())).as(setting.key()).isTrue();
      assertThat(env.add(setting.env())).as(setting.env()).isTrue();
      assertThat(setting.key()).matches("[a-z]+(-[a-z]+)*");
      assertThat(setting.doc()).doesNotContain("|", "\n");
    }
    assertThat(Settings.PORT.env()).isEqualTo("VIGIL_PORT");
    assertThat(Settings.MAX_STREAMS_PER_WORKSPACE.env()).isEqualTo("VIGIL_MAX_STREAMS_PER_WORKSPACE");
    assertThat(Settings.OPTIONS).doesNotContain(Settings.JAVA_OPTS);
  }

  @Test
  void theDeclaredDefaultsAreTheComponentsOwn() {
    VigilConfig defaults = VigilConfig.defaults();
    assertThat(defaults.get(Settings.BODY_LIMIT)).isEqualTo(IngestLimits.DEFAULT_MAX_BODY_BYTES);
    assertThat(defaults.get(Settings.BODY_TIMEOUT)).isEqualTo(IngestLimits.DEFAULT_BODY_TIMEOUT);
    assertThat(defaults.get(Settings.INGEST_RATE)).isEqualTo(IngestLimits.DEFAULT_REQUESTS_PER_SECOND);
    assertThat(defaults.get(Settings.INGEST_BURST)).isEqualTo(IngestLimits.DEFAULT_BURST);
    assertThat(defaults.admission()).isEqualTo(AdmissionSettings.DEFAULTS);
    assertThat(defaults.api().quotas()).isEqualTo(WorkspaceQuotas.defaults());
    assertThat(defaults.get(Settings.ALERT_WINDOW)).isEqualTo(AlertsConfig.DEFAULT_DEDUP_WINDOW);
  }

  @Test
  void defaultsAreTypedAndSettingsWithoutOneAreEmpty() {
    VigilConfig defaults = VigilConfig.defaults();
    assertThat(defaults.get(Settings.DATA_DIR)).isEqualTo(Path.of("data"));
    assertThat(defaults.get(Settings.PORT)).isEqualTo(8443);
    assertThat(defaults.get(Settings.BASELINE_LEARNING)).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.get(Settings.MEMORY_BUDGET)).isEqualTo(1024L * 1024 * 1024);
    assertThat(defaults.get(Settings.RULES_LENIENT)).isFalse();
    assertThat(defaults.get(Settings.KAFKA_BOOTSTRAP)).isNull();
    assertThat(defaults.get(Settings.HOSTNAME)).isEmpty();
    assertThat(defaults.get(Settings.KAFKA_PROPERTY)).isEmpty();
    assertThat(defaults.embeddedKafka()).isTrue();
  }

  @Test
  void withChangesOneSettingAndValidatesAgain() {
    VigilConfig config = VigilConfig.forTests(Path.of("data")).with(Settings.HOSTNAME, List.of("a.example"));
    assertThat(config.get(Settings.HOSTNAME)).containsExactly("a.example");
    assertThat(config.get(Settings.PORT)).isZero();
    assertThatThrownBy(() -> config.with(Settings.STREAM_THREADS, 0))
        .hasMessage("stream threads 0 must be between 1 and 64");
  }

  @Test
  void theHelpIsTheDocAsPlainTextWithTheEnvironmentVariableAndDefault() {
    assertThat(Settings.MAX_DETECTION_LAG.help()).isEqualTo("when detection's backlog exceeds this much of its"
        + " work, clusters sending more than their fair share get 429 with Retry-After (see Back-pressure in the"
        + " README); PT0S switches it off (env VIGIL_MAX_DETECTION_LAG, default ${DEFAULT-VALUE})");
    assertThat(Settings.HOSTNAME.help())
        .isEqualTo("extra names for the generated certificate (env VIGIL_HOSTNAME, comma-separated)");
    assertThat(Settings.TLS_CERT.help())
        .isEqualTo("PEM certificate (env VIGIL_TLS_CERT; default: generated into DATA/tls)");
    assertThat(Settings.STREAMS_PROPERTY.help()).contains("(commit.interval.ms, ...)");
  }
}
