package dev.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.kafkalocal.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The pass-through ceiling against a real broker: records go through, and nothing is left behind. */
class PassThroughCeilingIT {

  @Test
  void recordsGoThroughTheExactlyOnceCopierAndTheScratchTopicsAreRemoved() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      Map<String, Object> admin = new HashMap<>(kafka.clientProperties());
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      Properties security = new Properties();
      security.putAll(kafka.clientProperties());
      byte[] value = "{\"kind\":\"Event\"}".getBytes(StandardCharsets.UTF_8);

      MeasuredRate result =
          new PassThroughCeiling(admin, kafka.bootstrapServers(), security)
              .measure(Duration.ofSeconds(2), Duration.ofSeconds(2),
                  LoadGenerator.ceilingProducerConfig(admin),
                  (topic, i) -> new ProducerRecord<>(topic, "user-" + (i % 7), value));

      // Only committed copies count, so a copier that never commits would measure 0.
      assertThat(result.perSecond()).isGreaterThan(0);
      assertThat(result.cpuCores()).isGreaterThan(0);
      assertThat(result.cpuMicrosPerRecord()).isFinite().isGreaterThan(0);
      try (Admin client = Admin.create(admin)) {
        assertThat(client.listTopics().names().get(30, TimeUnit.SECONDS))
            .noneMatch(name -> name.startsWith("vigil-bench-passthrough"));
      }
    }
  }
}
