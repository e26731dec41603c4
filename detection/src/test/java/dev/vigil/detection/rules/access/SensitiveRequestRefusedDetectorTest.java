package dev.vigil.detection.rules.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveRequestRefusedDetectorTest {

  @Test
  void itSeesRefusedRequestsOfTheListedVerbsAndResourcesOnly() {
    SensitiveRequestRefusedDetector detector =
        new SensitiveRequestRefusedDetector(List.of("get secrets", "create pods/exec"));
    assertThat(detector.interest().failedRequests()).isTrue();
    assertThat(detector.interest().matches("get", "secrets")).isTrue();
    assertThat(detector.interest().matches("create", "pods")).isTrue();
    assertThat(detector.interest().matches("list", "configmaps")).isFalse();
  }

  @Test
  void anEntryThatIsNotVerbAndResourceStopsStartUpWithAnExample() {
    assertThatThrownBy(() -> new SensitiveRequestRefusedDetector(List.of("secrets")))
        .hasMessageContaining("sensitiveRefusals entry \"secrets\"")
        .hasMessageContaining("\"get secrets\"");
    DetectionRules rules =
        DetectionRules.defaults().overlay("mine.yaml", "lists:\n  sensitiveRefusals: [get /secrets]\n");
    assertThatThrownBy(
            () ->
                DetectorCatalogue.builtIn(
                    DetectionConfig.defaults(new SimpleMeterRegistry()).withRules(rules)))
        .hasMessageContaining("get /secrets");
  }
}
