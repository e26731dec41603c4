package dev.vigil.kafkalocal;

import dev.vigil.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/** What every local KRaft node shares, in one JVM or in its own: its configuration, storage and readiness. */
final class KraftNode {
  static final String META_PROPERTIES = "meta.properties";

  private KraftNode() {}

  /**
   * A combined broker and controller with PLAINTEXT loopback listeners (replaced by {@link
   * Sasl#brokerProperties} on an authenticated node). Replication of the internal topics and the broker
   * defaults follow the cluster size: factor 3 and min ISR 2 from three brokers on, otherwise the
   * number of brokers and min ISR 1, so that {@code acks=all} survives the loss of one broker of three.
   */
  static Properties properties(
      int nodeId, String quorumVoters, int clusterSize, Path logDir, int brokerPort, int controllerPort) {
    String host = Ports.HOST;
    String replication = Integer.toString(replicationFactor(clusterSize));
    String minIsr = Integer.toString(minInsyncReplicas(clusterSize));
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(nodeId));
    p.setProperty("controller.quorum.voters", quorumVoters);
    p.setProperty(
        "listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", replication);
    p.setProperty("offsets.topic.num.partitions", "6");
    p.setProperty("transaction.state.log.replication.factor", replication);
    p.setProperty("transaction.state.log.min.isr", minIsr);
    p.setProperty("transaction.state.log.num.partitions", "6");
    p.setProperty("share.coordinator.state.topic.replication.factor", replication);
    p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
    p.setProperty("min.insync.replicas", minIsr);
    p.setProperty("default.replication.factor", replication);
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    // Segments of 64 MiB keep the number of open files small on a laptop-sized install.
    p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.setProperty("num.partitions", "1");
    return p;
  }

  /** The replication factor of a cluster of {@code brokers}: all of them, at most 3. */
  static int replicationFactor(int brokers) {
    return Math.max(1, Math.min(3, brokers));
  }

  /** 2 where replication is 3, so one replica may be lost without refusing {@code acks=all}; else 1. */
  static int minInsyncReplicas(int brokers) {
    return replicationFactor(brokers) >= 3 ? 2 : 1;
  }

  /** {@code controller.quorum.voters} of nodes {@code 1..n}, given their controller ports in order. */
  static String quorumVoters(List<Integer> controllerPorts) {
    StringBuilder voters = new StringBuilder();
    for (int i = 0; i < controllerPorts.size(); i++) {
      voters.append(i == 0 ? "" : ",").append(i + 1).append('@').append(Ports.HOST).append(':')
          .append(controllerPorts.get(i));
    }
    return voters.toString();
  }

  /** Whether the storage in {@code logDir} is formatted. */
  static boolean formatted(Path logDir) {
    return Files.exists(logDir.resolve(META_PROPERTIES));
  }

  /**
   * Formats the storage of {@code logDir} when {@code meta.properties} is absent, for cluster {@code
   * clusterId}, with Vigil's SCRAM credential in the bootstrap metadata when {@code password} is given.
   * {@code workDir} holds the configuration file for the moment of formatting.
   */
  static void formatOnce(Path workDir, Path logDir, Properties props, String password, String clusterId)
      throws IOException {
    if (formatted(logDir)) {
      return;
    }
    Path configFile = workDir.resolve("kraft-format.properties");
    StringWriter config = new StringWriter();
    props.store(config, "used once to format the local Kafka storage");
    PrivateFiles.write(configFile, config.toString());
    List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile.toString()));
    if (password != null) {
      args.addAll(List.of("--add-scram",
          Sasl.SCRAM_MECHANISM + "=[name=" + Sasl.PRINCIPAL + ",password=" + password + "]"));
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // StorageTool.execute, never StorageTool.main: main exits the JVM.
      rc = StorageTool.execute(args.toArray(String[]::new), ps);
    } catch (Exception e) {
      throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(configFile);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting Kafka storage in " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  /** The cluster id recorded in a formatted storage. */
  static String clusterId(Path logDir) throws IOException {
    Properties meta = new Properties();
    try (var in = Files.newInputStream(logDir.resolve(META_PROPERTIES))) {
      meta.load(in);
    }
    return meta.getProperty("cluster.id");
  }

  /**
   * Waits until an admin client with {@code client} settings sees live brokers that satisfy {@code
   * ready}: a credential written to the metadata reaches a broker's cache a moment after the controller
   * committed it, and a broker counts only once it registered and is unfenced. {@code check} runs
   * between attempts and throws to give up early (a broker process that exited).
   */
  static void awaitBrokers(Map<String, String> client, Predicate<Collection<Node>> ready, Duration timeout,
      Runnable check, String failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config = new HashMap<>(client);
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    String last = "no answer yet";
    while (true) {
      try (Admin admin = Admin.create(config)) {
        Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        if (ready.test(nodes)) {
          return;
        }
        last = "live brokers " + nodes.stream().map(Node::id).sorted().toList();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka", e);
      } catch (Exception e) {
        last = e.toString();
      }
      check.run();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(failure + " within " + timeout.toSeconds() + " s: " + last);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka", ie);
      }
    }
  }

  /**
   * Creates every topic of {@link Topics} that does not exist yet, replicated as a cluster of {@code
   * brokers} allows ({@link Topics#replicationFor}).
   *
   * @return the names of the topics created
   */
  static List<String> createTopics(Map<String, String> client, int brokers) {
    String where = client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(new HashMap<>(client))) {
      return Topics.createMissing(admin, Topics.replicationFor(brokers), 30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create Vigil's topics on " + where + ": " + e, e);
    }
  }
}
