package dev.vigil.detection.rules.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExposedServiceDetectorTest {
  @Test
  void broadSourceRanges() {
    assertThat(ExposedServiceDetector.isBroad("0.0.0.0/0")).isTrue();
    assertThat(ExposedServiceDetector.isBroad("10.0.0.0/8")).isTrue();
    assertThat(ExposedServiceDetector.isBroad("203.0.113.0/24")).isFalse();
    assertThat(ExposedServiceDetector.isBroad("nonsense")).isFalse();
  }
}
