package dev.vigil.detection.rules.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExposedPostgresDetectorTest {
  @Test
  void broadSourceRanges() {
    assertThat(ExposedPostgresDetector.isBroad("0.0.0.0/0")).isTrue();
    assertThat(ExposedPostgresDetector.isBroad("10.0.0.0/8")).isTrue();
    assertThat(ExposedPostgresDetector.isBroad("203.0.113.0/24")).isFalse();
    assertThat(ExposedPostgresDetector.isBroad("nonsense")).isFalse();
  }
}
