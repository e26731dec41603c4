package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.Finding;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped default configuration raises nothing for a cluster going about its business: an
 * unprivileged Deployment and the controllers and kubelet acting on it, a ClusterIP service, a
 * {@code view} RoleBinding, kubelet node status and lease updates, health probes, and the API
 * server reconciling its bootstrap roles ({@code fixtures under ordinary/}).
 */
class OrdinaryWorkloadsTest {

  @TempDir Path stateDir;

  @Test
  void theDefaultConfigurationRaisesNoAlertForOrdinaryWorkloads() throws Exception {
    URL url = getClass().getClassLoader().getResource("ordinary");
    assertThat(url).isNotNull();
    List<Path> events;
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      events = files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(20);
    List<String> raised = new ArrayList<>();
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      for (Path event : events) {
        harness.send(Files.readString(event));
        for (TestRecord<String, Finding> record : harness.findings()) {
          raised.add(event.getFileName() + ": " + record.value().alertType() + " — "
              + record.value().description());
        }
      }
      assertThat(harness.dlq()).isEmpty();
      assertThat(harness.events("processed")).isEqualTo(events.size());
    }
    assertThat(raised).isEmpty();
  }
}
