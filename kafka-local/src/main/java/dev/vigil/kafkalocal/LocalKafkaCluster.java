package dev.vigil.kafkalocal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster of N KRaft nodes on this machine, each node (combined broker and
 * controller, one voter of an N-voter quorum) in its own JVM, started from the Kafka artifacts on this
 * JVM's class path. {@code vigil up --brokers N} is meant to run on one; the failover tests kill its
 * brokers.
 *
 * <p>Layout under the Kafka directory {@code DIR} (for {@code vigil up}, {@code DATA/kafka}): node
 * {@code n} (1 to N, also its {@code node.id}) keeps its log in {@code DIR/broker-<n>/kraft-logs}, its
 * output in {@code DIR/broker-<n>/broker.log}, and its process id in {@code DIR/broker-<n>.pid} while it
 * runs. The storage is formatted once; ports are kept in {@code DIR/ports.properties}. Listeners bind
 * to 127.0.0.1 only.
 *
 * <p>Security is that of {@link EmbeddedKafka#start(Path, int)}: SCRAM on the client listener, PLAIN
 * between controllers, one super user whose password is in {@code DIR/client.properties} (mode 0600).
 * {@link #startTemporary(int)} is the unauthenticated variant for tests.
 *
 * <p>Replication follows the cluster size: from three brokers on, Vigil's topics, the internal topics
 * and the broker defaults have replication factor 3 and {@code min.insync.replicas} 2; on fewer, every
 * broker holds a replica and min ISR is 1.
 *
 * <p>A node process stops by itself when this JVM is gone, so neither a crash nor a kill of it leaves
 * brokers behind.
 */
public final class LocalKafkaCluster extends LocalKafka {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaCluster.class);
  /** Vigil's credentials for the cluster, a Kafka client configuration file in the Kafka directory. */
  public static final String CLIENT_PROPERTIES = EmbeddedKafka.CLIENT_PROPERTIES;
  /** The JVM options of a node process: a small heap suffices for Vigil's volumes on one machine. */
  static final List<String> NODE_JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");
  private static final String NODE_LOG_CONFIG = "dev/vigil/kafkalocal/kafka-node-log4j2.properties";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final boolean deleteOnClose;
  private final List<Broker> nodes;
  private boolean closed;

  /** One node: its fixed configuration, and its process while it runs. */
  private static final class Broker {
    final int id;
    final Path dir;
    final Path pidFile;
    final Properties config;
    final int brokerPort;
    Process process;

    Broker(int id, Path dir, Path pidFile, Properties config, int brokerPort) {
      this.id = id;
      this.brokerPort = brokerPort;
      this.dir = dir;
      this.pidFile = pidFile;
      this.config = config;
    }

    boolean running() {
      return process != null && process.isAlive();
    }
  }

  private LocalKafkaCluster(Path dir, boolean deleteOnClose, List<Broker> nodes, List<Integer> brokerPorts,
      Map<String, String> security) {
    super(dir, String.join(",", brokerPorts.stream().map(p -> Ports.HOST + ":" + p).toList()), security);
    this.deleteOnClose = deleteOnClose;
    this.nodes = nodes;
  }

  /**
   * Starts an authenticated cluster of {@code brokers} nodes in the Kafka directory {@code dir} (for
   * {@code vigil up}, {@code DATA/kafka}), creates Vigil's topics, and returns once every broker is
   * registered and answers. Clients need {@link #clientProperties()}.
   */
  public static LocalKafkaCluster start(Path dir, int brokers) {
    return start(dir, brokers, Map.of());
  }

  /** As {@link #start(Path, int)}, with extra properties for every broker. */
  public static LocalKafkaCluster start(Path dir, int brokers, Map<String, String> overrides) {
    return start(dir, brokers, overrides, false, true);
  }

  /**
   * A throwaway cluster for tests in a temporary directory that {@link #close()} removes. It does not
   * authenticate: any local process may use it.
   */
  public static LocalKafkaCluster startTemporary(int brokers) {
    return startTemporary(brokers, Map.of());
  }

  /** As {@link #startTemporary(int)}, with extra properties for every broker. */
  public static LocalKafkaCluster startTemporary(int brokers, Map<String, String> overrides) {
    try {
      return start(Files.createTempDirectory("vigil-kafka-cluster-"), brokers, overrides, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
    }
  }

  static LocalKafkaCluster start(
      Path dir, int brokers, Map<String, String> overrides, boolean deleteOnClose, boolean authenticated) {
    if (brokers < 1) {
      throw new IllegalArgumentException("a Kafka cluster needs at least one broker, not " + brokers);
    }
    long started = System.nanoTime();
    LocalKafkaCluster cluster;
    try {
      PrivateFiles.createDirectories(dir);
      if (Files.exists(dir.resolve("kraft-logs"))) {
        LOG.warn("{} holds the data of the single embedded broker; the cluster keeps its own in broker-<n>/ and "
            + "does not read it", dir.resolve("kraft-logs"));
      }
      List<Path> nodeDirs = new ArrayList<>();
      for (int n = 1; n <= brokers; n++) {
        nodeDirs.add(dir.resolve("broker-" + n));
        awaitEarlierProcessGone(pidFile(dir, n));
      }
      Ports ports = Ports.load(dir);
      List<Integer> brokerPorts = new ArrayList<>();
      List<Integer> controllerPorts = new ArrayList<>();
      for (int n = 1; n <= brokers; n++) {
        brokerPorts.add(ports.reuse("broker." + n + ".port"));
        controllerPorts.add(ports.reuse("controller." + n + ".port"));
      }
      ports.save();
      Optional<Path> formatted = nodeDirs.stream().map(LocalKafkaCluster::logDir).filter(KraftNode::formatted)
          .findFirst();
      String clusterId =
          formatted.isPresent() ? KraftNode.clusterId(formatted.get()) : Uuid.randomUuid().toString();
      Path credentialsFile = dir.resolve(CLIENT_PROPERTIES);
      boolean knownCredentials = authenticated && Files.exists(credentialsFile);
      if (authenticated && !knownCredentials && formatted.isPresent()) {
        throw new IllegalStateException(credentialsFile + " is missing but the cluster in " + dir + " exists: "
            + "restore it from a backup (the brokers' metadata knows only that password)");
      }
      String password = !authenticated ? null
          : knownCredentials ? Sasl.readPassword(credentialsFile) : Sasl.newPassword();
      String voters = KraftNode.quorumVoters(controllerPorts);
      List<Broker> nodes = new ArrayList<>();
      for (int n = 1; n <= brokers; n++) {
        Path nodeDir = nodeDirs.get(n - 1);
        Path logDir = logDir(nodeDir);
        PrivateFiles.createDirectories(logDir);
        int brokerPort = brokerPorts.get(n - 1);
        int controllerPort = controllerPorts.get(n - 1);
        Properties props = KraftNode.properties(n, voters, brokers, logDir, brokerPort, controllerPort);
        // The log cleaner's dedupe buffer (128 MiB by default) would take half of a node's heap.
        props.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        if (authenticated) {
          props.putAll(Sasl.brokerProperties(Ports.HOST, brokerPort, controllerPort, password));
        }
        overrides.forEach(props::setProperty);
        KraftNode.formatOnce(nodeDir, logDir, props, password, clusterId);
        nodes.add(new Broker(n, nodeDir, pidFile(dir, n), props, brokerPort));
      }
      cluster = new LocalKafkaCluster(dir, deleteOnClose, Collections.unmodifiableList(nodes), brokerPorts,
          authenticated ? Sasl.clientSecurity(password) : Map.of());
      try {
        for (Broker node : nodes) {
          cluster.launch(node);
        }
        cluster.awaitBrokers(all -> all.size() >= brokers, "not every broker of the cluster registered");
        if (authenticated && !knownCredentials) {
          PrivateFiles.write(credentialsFile, Sasl.clientPropertiesFile(password));
        }
        List<String> created = KraftNode.createTopics(cluster.clientProperties(), brokers);
        if (!created.isEmpty()) {
          LOG.info("Created topics {}", created);
        }
      } catch (IOException | RuntimeException e) {
        cluster.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka cluster directory " + dir, e);
    }
    LOG.info("Kafka cluster of {} brokers ready at {} (data in {}) after {} ms", brokers,
        cluster.bootstrapServers(), dir, (System.nanoTime() - started) / 1_000_000);
    return cluster;
  }

  private static Path logDir(Path nodeDir) {
    return nodeDir.resolve("kraft-logs");
  }

  private static Path pidFile(Path dir, int n) {
    return dir.resolve("broker-" + n + ".pid");
  }

  /**
   * A node left running by an earlier parent that was killed stops by itself within a second, but holds
   * its log directory's lock until then: wait for it rather than fail on the lock.
   */
  private static void awaitEarlierProcessGone(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> earlier;
    try {
      earlier = ProcessHandle.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim()));
    } catch (NumberFormatException e) {
      earlier = Optional.empty();
    }
    if (earlier.isPresent() && earlier.get().isAlive() && earlier.get().info().commandLine()
        .map(c -> c.contains(KafkaNodeMain.class.getName())).orElse(false)) {
      LOG.info("Waiting for the earlier Kafka node process {} ({}) to stop", earlier.get().pid(), pidFile);
      try {
        earlier.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an earlier Kafka node to stop", e);
      } catch (Exception e) {
        throw new IllegalStateException("the earlier Kafka node process " + earlier.get().pid() + " named in "
            + pidFile + " is still running; stop it first", e);
      }
    }
    Files.deleteIfExists(pidFile);
  }

  /** Starts the process of {@code node} and records its id; does not wait for it to serve. */
  private void launch(Broker node) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(NODE_JVM_OPTIONS);
    command.add("-Dlog4j2.configurationFile=" + NODE_LOG_CONFIG);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName()));
    Process process = new ProcessBuilder(command)
        .directory(node.dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dir.resolve("broker.log").toFile()))
        .start();
    node.process = process;
    try (OutputStream in = process.getOutputStream()) {
      node.config.store(in, null);
    }
    PrivateFiles.write(node.pidFile, process.pid() + "\n");
  }

  /**
   * Waits until brokers satisfying {@code ready} are registered, first until every running node listens
   * (an admin client would log a warning for each refused connection), failing as soon as a node exits.
   */
  private void awaitBrokers(Predicate<Collection<Node>> ready, String failure) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (Broker node : nodes) {
      while (node.running() && !listening(node.brokerPort) && System.nanoTime() < deadline) {
        sleep(100);
      }
    }
    KraftNode.awaitBrokers(clientProperties(), ready, START_TIMEOUT, () -> {
      for (Broker node : nodes) {
        if (node.process != null && !node.process.isAlive()) {
          throw new IllegalStateException("Kafka node " + node.id + " exited with " + node.process.exitValue()
              + " while starting: see " + node.dir.resolve("broker.log"));
        }
      }
    }, failure);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Ports.HOST, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }

  private Broker node(int n) {
    if (n < 1 || n > nodes.size()) {
      throw new IllegalArgumentException("no broker " + n + " in a cluster of " + nodes.size());
    }
    return nodes.get(n - 1);
  }

  /**
   * Kills broker {@code n} (1 to N, its {@code node.id}) at once, like {@code kill -9}, and waits until
   * it is gone.
   */
  public synchronized void kill(int n) {
    Broker node = node(n);
    if (node.running()) {
      node.process.destroyForcibly();
      awaitExit(node, STOP_TIMEOUT);
    }
  }

  /**
   * Stops broker {@code n} gracefully (SIGTERM: controlled shutdown, leadership handed over) and waits
   * until it has stopped; kills it if it has not within a minute.
   */
  public synchronized void stop(int n) {
    Broker node = node(n);
    if (node.running()) {
      node.process.destroy();
      if (!awaitExit(node, STOP_TIMEOUT)) {
        LOG.warn("Kafka node {} did not stop within {} s: killing it", n, STOP_TIMEOUT.toSeconds());
        node.process.destroyForcibly();
        awaitExit(node, STOP_TIMEOUT);
      }
    }
  }

  /**
   * Stops broker {@code n} if it runs, starts it again on its data and ports, and waits until it is
   * registered again.
   */
  public synchronized void restart(int n) {
    Broker node = node(n);
    stop(n);
    try {
      launch(node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka node " + n, e);
    }
    awaitBrokers(all -> all.stream().anyMatch(b -> b.id() == n), "Kafka node " + n + " did not register again");
  }

  private static boolean awaitExit(Broker node, Duration timeout) {
    try {
      if (!node.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      Files.deleteIfExists(node.pidFile);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka node " + node.id + " to stop", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number of brokers, running or not. */
  public int brokers() {
    return nodes.size();
  }

  /** The process of broker {@code n} while it runs. */
  public synchronized Optional<ProcessHandle> process(int n) {
    Broker node = node(n);
    return node.running() ? Optional.of(node.process.toHandle()) : Optional.empty();
  }

  /**
   * Stops every broker gracefully, all at once, and waits until they have stopped (killing any still
   * running after a minute); a temporary cluster's directory is removed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Broker node : nodes) {
      if (node.running()) {
        node.process.destroy();
      }
    }
    for (Broker node : nodes) {
      if (node.process != null && !awaitExit(node, STOP_TIMEOUT)) {
        LOG.warn("Kafka node {} did not stop within {} s: killing it", node.id, STOP_TIMEOUT.toSeconds());
        node.process.destroyForcibly();
        awaitExit(node, STOP_TIMEOUT);
      }
    }
    if (deleteOnClose) {
      PrivateFiles.deleteRecursively(dataDir());
    }
  }
}
