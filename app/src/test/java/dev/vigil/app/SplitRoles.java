package dev.vigil.app;

import static org.awaitility.Awaitility.await;

import dev.vigil.app.settings.VigilConfig;
import dev.vigil.kafkalocal.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * Roles as separate processes on one broker: a gateway + alerts-api server and a detect server in the
 * test's JVM, and a second detect instance in a child JVM that a test can kill. Returned once both
 * detect instances hold partitions.
 */
final class SplitRoles implements AutoCloseable {
  final EmbeddedKafka kafka;
  final Path front;
  final VigilServer gatewayAndApi;
  final VigilServer detectA;
  final Admin admin;
  final Process detectB;

  private SplitRoles(Path dir) throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    front = dir.resolve("front");
    gatewayAndApi = VigilServer.start(VigilConfig.forTests(front)
        .withRoles(EnumSet.of(Role.GATEWAY, Role.ALERTS_API), kafka.bootstrapServers()));
    detectA = VigilServer.start(VigilConfig.forTests(dir.resolve("detect-a"))
        .withRoles(EnumSet.of(Role.DETECT), kafka.bootstrapServers()));
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    Path output = dir.resolve("detect-b.out");
    detectB = child(dir.resolve("detect-b"), output, "detect", "--kafka-bootstrap", kafka.bootstrapServers(),
        "--port", "0");
  }

  static SplitRoles start(Path dir) throws Exception {
    SplitRoles roles = new SplitRoles(dir);
    try {
      Path output = dir.resolve("detect-b.out");
      await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(output).contains("Vigil is ready"));
      await().atMost(Duration.ofSeconds(60)).until(() -> activeMembers(roles.admin, "vigil-detection") == 2);
      return roles;
    } catch (RuntimeException | Error e) {
      roles.close();
      throw e;
    }
  }

  /**
   * {@code vigil ARGS --data-dir DATA --bind 127.0.0.1} in a child JVM, its output appended to {@code
   * output}. The JIT stops at C1: a role process here lives a minute or two under a light load, and
   * the optimizing compiler's threads would mostly compete for the CI machine's two cores with the
   * start-up of the other roles and with the other test fork. Started alone, a {@code vigil up} took 25
   * to 28 s of CPU to get ready with C2 and 12 to 17 s with C1 only. The code it runs is the same.
   */
  static Process child(Path data, Path output, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dvigil.log.dir=" + data.resolve("logs"),
        "-cp", System.getProperty("java.class.path"), Vigil.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--data-dir", data.toString(), "--bind", "127.0.0.1"));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
  }

  /** Members of {@code group} that hold at least one partition. */
  static int activeMembers(Admin admin, String group) throws Exception {
    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
        .describedGroups().get(group).get();
    return (int) description.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
  }

  @Override
  public void close() {
    detectB.destroyForcibly();
    admin.close();
    detectA.close();
    gatewayAndApi.close();
    kafka.close();
  }
}
