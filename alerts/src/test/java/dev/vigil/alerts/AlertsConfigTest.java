package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void defaultsAreOneHourWindowAndOneSecondFlush() {
    AlertsConfig config = AlertsConfig.fromEnvironment(Map.of(), registry);
    assertThat(config.dedupWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(config.flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config).isEqualTo(AlertsConfig.defaults(registry));
  }

  @Test
  void environmentOverridesTheDefaults() {
    AlertsConfig config =
        AlertsConfig.fromEnvironment(
            Map.of(AlertsConfig.ENV_DEDUP_WINDOW, "PT15M", AlertsConfig.ENV_FLUSH_INTERVAL, "PT0.25S"),
            registry);
    assertThat(config.dedupWindow()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.flushInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rejectsBadValuesNamingTheVariable() {
    assertThatThrownBy(
            () -> AlertsConfig.fromEnvironment(Map.of(AlertsConfig.ENV_DEDUP_WINDOW, "1h"), registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(AlertsConfig.ENV_DEDUP_WINDOW);
    assertThatThrownBy(() -> AlertsConfig.defaults(registry).withDedupWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertsConfig.defaults(registry).withFlushInterval(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streamsPropertiesAreExactlyOnceWithExplicitNaming() {
    Properties props = AlertsApp.streamsProperties("broker:9092", Path.of("state"));
    StreamsConfig config = new StreamsConfig(props);
    assertThat(config.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("vigil-alerts");
    assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(500L);
    assertThat(config.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(1);
    assertThat(config.getBoolean(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isTrue();
    assertThat(config.getString(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(Path.of("state").toAbsolutePath().toString());
    assertThat(props).doesNotContainKeys(
        StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
  }
}
