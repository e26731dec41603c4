package dev.vigil.detection.stateful;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;

/**
 * The detection application alone in its own JVM, so that {@link StatefulRestartIT} can kill it
 * with SIGKILL: no close, no commit, no leaving the group. Prints {@code RUNNING} when it runs.
 */
final class DetectionProcess {

  private DetectionProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Properties props = DetectionApp.streamsProperties(args[0], Path.of(args[1]));
    // A killed member is declared dead after this, so the restarted process gets the partitions.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
    props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
    DetectionConfig config = DetectionConfig.defaults(new SimpleMeterRegistry());
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    DetectionTopology.addTo(builder, config);
    KafkaStreams streams = new KafkaStreams(builder.build(props), props);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        System.out.println("RUNNING");
        System.out.flush();
      }
    });
    streams.start();
    new CountDownLatch(1).await();
  }
}
