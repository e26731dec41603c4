package dev.vigil.kafkalocal;

import dev.vigil.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
 *
 * <p>A broker started with {@link #start(Path, int)} requires authentication on both listeners: SCRAM
 * on the client listener, PLAIN on the controller listener, one principal {@value #PRINCIPAL} that is
 * the only super user of the {@code StandardAuthorizer}, whose random password is created at the first
 * start and kept in {@code client.properties} (mode 0600) of the data directory. Every client must use
 * {@link #clientProperties()}. Temporary brokers ({@link #startTemporary()}) are for tests and accept
 * anyone on loopback.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  /** The one principal of an authenticated broker: Vigil itself, super user. */
  static final String PRINCIPAL = "vigil";
  static final String SCRAM_MECHANISM = "SCRAM-SHA-256";
  /** Vigil's credentials for the embedded broker, a Kafka client configuration file. */
  public static final String CLIENT_PROPERTIES = "client.properties";

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Map<String, String> security;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir, boolean deleteOnClose, KafkaRaftServer server, int port, Map<String, String> security) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.bootstrapServers = HOST + ":" + port;
    this.security = security;
  }

  /**
   * Starts an authenticated broker whose logs live under {@code dataDir/kraft-logs}, creates Vigil's
   * topics, and returns once the broker answers. Ports are chosen free at each start ({@code port} 0)
   * or fixed. Clients need {@link #clientProperties()}.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, Map.of(), false, true);
  }

  /** As {@link #start(Path, int)}, with extra broker properties (for example a smaller log-cleaner buffer). */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    return start(dataDir, port, overrides, false, true);
  }

  /**
   * A throwaway broker for tests on free ports in a temporary directory that {@link #close()} removes.
   * It does not authenticate: any local process may use it.
   */
  public static EmbeddedKafka startTemporary() {
    return startTemporary(Map.of());
  }

  /** As {@link #startTemporary()}, with extra broker properties (for example smaller limits). */
  public static EmbeddedKafka startTemporary(Map<String, String> overrides) {
    try {
      return start(Files.createTempDirectory("vigil-kafka-"), 0, overrides, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
    }
  }

  /**
   * Package-private so that tests can start an unauthenticated broker on a kept directory: the data
   * dirs written before the embedded broker authenticated.
   */
  static EmbeddedKafka start(
      Path dataDir, int port, Map<String, String> overrides, boolean deleteOnClose, boolean authenticated) {
    long started = System.nanoTime();
    try {
      Path logDir = dataDir.resolve("kraft-logs");
      createPrivateDirectories(logDir);
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
      Path credentialsFile = dataDir.resolve(CLIENT_PROPERTIES);
      boolean knownCredentials = authenticated && Files.exists(credentialsFile);
      String password = null;
      Map<String, String> security = Map.of();
      if (authenticated) {
        password = knownCredentials ? readPassword(credentialsFile) : newPassword();
        props.putAll(authenticationProperties(brokerPort, controllerPort, password));
        security = clientSecurity(password);
      }
      overrides.forEach(props::setProperty);
      if (authenticated && !knownCredentials && Files.exists(logDir.resolve("meta.properties"))) {
        addCredentialToExistingStorage(dataDir, props, brokerPort, password);
        knownCredentials = true;
      }
      formatOnce(dataDir, logDir, props, password);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, server, brokerPort, security);
      try {
        if (authenticated && !knownCredentials) {
          kafka.awaitAuthenticated(Duration.ofSeconds(30));
          writePrivate(credentialsFile, clientPropertiesFile(password));
        }
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

  /**
   * Listeners that authenticate, and an authorizer that lets nobody but {@value #PRINCIPAL} do
   * anything. The controller listener uses PLAIN with the password in the broker's own (in-memory)
   * configuration, because a controller cannot check SCRAM credentials that live in the metadata it
   * serves; the client and inter-broker listener uses SCRAM, so the password never crosses a socket.
   */
  static Map<String, String> authenticationProperties(int brokerPort, int controllerPort, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", "CLIENT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "CLIENT://" + HOST + ":" + brokerPort);
    p.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", "CLIENT");
    p.put("listener.name.client.sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
    p.put("listener.name.client." + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        scramJaas(password));
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.plain.sasl.jaas.config", plainJaas(password));
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", "User:" + PRINCIPAL);
    return p;
  }

  private static String scramJaas(String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + PRINCIPAL
        + "\" password=\"" + password + "\";";
  }

  /** Client side ({@code username/password}) and server side ({@code user_NAME}) of PLAIN. */
  private static String plainJaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + PRINCIPAL
        + "\" password=\"" + password + "\" user_" + PRINCIPAL + "=\"" + password + "\";";
  }

  private static Map<String, String> clientSecurity(String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", SCRAM_MECHANISM);
    p.put("sasl.jaas.config", scramJaas(password));
    return Collections.unmodifiableMap(p);
  }

  private static String clientPropertiesFile(String password) {
    StringBuilder file = new StringBuilder("# Vigil's credentials for its embedded Kafka broker (keep mode 0600).\n"
        + "# A Kafka client configuration: kafka-console-consumer.sh --consumer.config THIS_FILE ...\n");
    clientSecurity(password).forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
    return file.toString();
  }

  private static String newPassword() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static final Pattern PASSWORD = Pattern.compile("password=\"([A-Za-z0-9_-]{16,})\"");

  private static String readPassword(Path file) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    Matcher m = PASSWORD.matcher(p.getProperty("sasl.jaas.config", ""));
    if (!m.find()) {
      throw new IllegalStateException(file + " holds no password of the embedded broker: restore it from a "
          + "backup (the broker's metadata knows only that password)");
    }
    return m.group(1);
  }

  /**
   * A data dir formatted before the broker authenticated has no SCRAM credential in its metadata, and
   * only a bootstrap at format time or an admin request adds one; Kafka 4.3 does not take that request
   * on the controller listener. So the broker is started once with PLAIN (whose password is in its
   * own configuration) also enabled on the client listener, Vigil's credential is added through it, and
   * the broker is stopped again: later starts offer SCRAM alone.
   */
  private static void addCredentialToExistingStorage(Path dataDir, Properties props, int brokerPort, String password) {
    LOG.warn("The embedded broker in {} was created without authentication: adding Vigil's credential; Kafka "
        + "clients of this broker now need {}", dataDir, dataDir.resolve(CLIENT_PROPERTIES));
    Properties migrating = new Properties();
    migrating.putAll(props);
    migrating.setProperty("listener.name.client.sasl.enabled.mechanisms", SCRAM_MECHANISM + ",PLAIN");
    migrating.setProperty("listener.name.client.plain.sasl.jaas.config", plainJaas(password));
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(migrating, false), Time.SYSTEM);
    server.startup();
    try {
      Map<String, Object> plain = new HashMap<>();
      plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
      plain.put("security.protocol", "SASL_PLAINTEXT");
      plain.put("sasl.mechanism", "PLAIN");
      plain.put("sasl.jaas.config", plainJaas(password));
      try (Admin admin = Admin.create(plain)) {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(PRINCIPAL,
            new ScramCredentialInfo(ScramMechanism.fromMechanismName(SCRAM_MECHANISM), 8192), password)))
            .all().get(30, TimeUnit.SECONDS);
      }
      new EmbeddedKafka(dataDir, false, server, brokerPort, clientSecurity(password))
          .awaitAuthenticated(Duration.ofSeconds(30));
      writePrivate(dataDir.resolve(CLIENT_PROPERTIES), clientPropertiesFile(password));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding Vigil's Kafka credential", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot add Vigil's SCRAM credential to the embedded broker in " + dataDir
          + ": " + e, e);
    } finally {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  /**
   * Waits until this broker accepts {@link #clientProperties()}: a credential written to the metadata
   * reaches the broker's credential cache a moment after the controller committed it.
   */
  private void awaitAuthenticated(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Admin admin = Admin.create(new HashMap<>(clientProperties()))) {
        admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the embedded broker does not accept Vigil's credentials: " + e, e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the embedded broker", ie);
        }
      }
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

  /**
   * Formats the storage when {@code meta.properties} is absent, with Vigil's SCRAM credential in the
   * bootstrap metadata when {@code password} is given.
   */
  private static void formatOnce(Path dataDir, Path logDir, Properties props, String password)
      throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path configFile = dataDir.resolve("kraft-format.properties");
    StringWriter config = new StringWriter();
    props.store(config, "used once to format the embedded Kafka storage");
    writePrivate(configFile, config.toString());
    List<String> args = new ArrayList<>(
        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()));
    if (password != null) {
      args.addAll(List.of("--add-scram", SCRAM_MECHANISM + "=[name=" + PRINCIPAL + ",password=" + password + "]"));
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
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

  /** Creates every topic of {@link Topics} that does not exist yet. */
  public void createTopics() {
    try (Admin admin = Admin.create(new HashMap<>(clientProperties()))) {
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

  /**
   * What a Kafka client needs to use this broker: {@code bootstrap.servers} and, for an authenticated
   * broker, Vigil's SASL settings (a secret: never log them).
   */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new LinkedHashMap<>(security);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Collections.unmodifiableMap(p);
  }

  /** Whether clients must authenticate ({@link #start(Path, int)}) or not ({@link #startTemporary()}). */
  public boolean authenticated() {
    return !security.isEmpty();
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
    StringWriter text = new StringWriter();
    ports.store(text, "ports of the embedded broker, kept across restarts of this data dir");
    writePrivate(dataDir.resolve(PORTS_FILE), text.toString());
  }

  /** Writes a file readable by its owner only (mode 0600 where the file system supports it), atomically. */
  private static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Creates {@code dir} and its missing parents with mode 0700 where the file system supports it. */
  private static void createPrivateDirectories(Path dir) throws IOException {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
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
