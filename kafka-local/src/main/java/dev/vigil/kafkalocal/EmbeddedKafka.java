package dev.vigil.kafkalocal;

import dev.vigil.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running inside this
 * JVM. {@code vigil up} starts one on its data directory when no external Kafka is given; tests start a
 * throwaway one with {@link #startTemporary()}.
 *
 * <p>Only loopback listeners are opened. The log directory survives restarts: the storage is formatted
 * once, when {@code meta.properties} is absent.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(Path dataDir, boolean deleteOnClose, KafkaRaftServer server, int port) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.bootstrapServers = HOST + ":" + port;
  }

  /**
   * Starts a broker whose logs live under {@code dataDir/kraft-logs}, creates Vigil's topics, and
   * returns once the broker answers. Ports are chosen free at each start ({@code port} 0) or fixed.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, Map.of(), false);
  }

  /** As {@link #start(Path, int)}, with extra broker properties (for example a smaller log-cleaner buffer). */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    return start(dataDir, port, overrides, false);
  }

  /** A throwaway broker on free ports in a temporary directory that {@link #close()} removes. */
  public static EmbeddedKafka startTemporary() {
    try {
      return start(Files.createTempDirectory("vigil-kafka-"), 0, Map.of(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
    }
  }

  /** As {@link #startTemporary()}, with extra broker properties (for example smaller limits). */
  public static EmbeddedKafka startTemporary(Map<String, String> overrides) {
    try {
      return start(Files.createTempDirectory("vigil-kafka-"), 0, overrides, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
    }
  }

  private static EmbeddedKafka start(
      Path dataDir, int port, Map<String, String> overrides, boolean deleteOnClose) {
    long started = System.nanoTime();
    try {
      Path logDir = dataDir.resolve("kraft-logs");
      Files.createDirectories(logDir);
      // Ports chosen once are kept for the data dir: after a crash (kill -9) the transaction
      // coordinator still knows the broker at its old address and cannot write the abort markers of
      // the dead producers' open transactions elsewhere, so a new port leaves Kafka Streams waiting.
      Properties ports = loadPorts(dataDir);
      int brokerPort = port != 0 ? port : reusePort(ports, "broker.port");
      int controllerPort = reusePort(ports, "controller.port");
      ports.setProperty("broker.port", Integer.toString(brokerPort));
      ports.setProperty("controller.port", Integer.toString(controllerPort));
      savePorts(dataDir, ports);
      Properties props = brokerProperties(logDir, brokerPort, controllerPort);
      overrides.forEach(props::setProperty);
      formatOnce(dataDir, logDir, props);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, server, brokerPort);
      try {
        kafka.createTopics();
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      LOG.info(
          "Embedded Kafka broker ready at {} (data in {}) after {} ms",
          kafka.bootstrapServers,
          logDir,
          (System.nanoTime() - started) / 1_000_000);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
  }

  static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "6");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "6");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    // Segments of 64 MiB keep the number of open files small on a laptop-sized install.
    p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.setProperty("num.partitions", "1");
    return p;
  }

  private static void formatOnce(Path dataDir, Path logDir, Properties props) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path configFile = dataDir.resolve("kraft-format.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "used once to format the embedded Kafka storage");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()},
              ps);
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

  /** Creates every topic of {@link Topics} that does not exist yet. */
  public void createTopics() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<String> created = Topics.createMissing(admin, (short) 1, 30_000);
      if (!created.isEmpty()) {
        LOG.info("Created topics {}", created);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create Vigil's topics on " + bootstrapServers + ": " + e, e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits until it has stopped; a temporary broker's directory is removed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private static final String PORTS_FILE = "ports.properties";

  private static Properties loadPorts(Path dataDir) throws IOException {
    Properties ports = new Properties();
    Path file = dataDir.resolve(PORTS_FILE);
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        ports.load(in);
      }
    }
    return ports;
  }

  private static void savePorts(Path dataDir, Properties ports) throws IOException {
    Path tmp = dataDir.resolve(PORTS_FILE + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ports.store(out, "ports of the embedded broker, kept across restarts of this data dir");
    }
    Files.move(tmp, dataDir.resolve(PORTS_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The port recorded under {@code key} when it is still free, otherwise a new free port. */
  private static int reusePort(Properties ports, String key) throws IOException {
    String recorded = ports.getProperty(key);
    if (recorded != null) {
      try {
        int port = Integer.parseInt(recorded.trim());
        try (ServerSocket socket = new ServerSocket()) {
          socket.setReuseAddress(true);
          socket.bind(new InetSocketAddress(HOST, port));
          return port;
        }
      } catch (NumberFormatException | IOException e) {
        LOG.warn("The embedded broker's previous {} {} is not available ({}); using a new one. Transactions "
            + "left open by a crash may delay Kafka Streams until they time out.", key, recorded, e.getMessage());
      }
    }
    return freePort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not remove temporary Kafka directory {}: {}", dir, e.getMessage());
    }
  }
}
