package dev.vigil.kafkalocal;

import dev.vigil.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
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
 * on the client listener, PLAIN on the controller listener, one principal {@code vigil} that is
 * the only super user of the {@code StandardAuthorizer}, whose random password is created at the first
 * start and kept in {@code client.properties} (mode 0600) of the data directory. Every client must use
 * {@link #clientProperties()}. Temporary brokers ({@link #startTemporary()}) are for tests and accept
 * anyone on loopback.
 */
public final class EmbeddedKafka extends LocalKafka {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = Ports.HOST;
  /** Vigil's credentials for the embedded broker, a Kafka client configuration file. */
  public static final String CLIENT_PROPERTIES = "client.properties";

  private final boolean deleteOnClose;
  private final KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir, boolean deleteOnClose, KafkaRaftServer server, int port, Map<String, String> security) {
    super(dataDir, HOST + ":" + port, security);
    this.deleteOnClose = deleteOnClose;
    this.server = server;
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
      PrivateFiles.createDirectories(logDir);
      Ports ports = Ports.load(dataDir);
      int brokerPort = port != 0 ? port : ports.reuse("broker.port");
      ports.set("broker.port", brokerPort);
      int controllerPort = ports.reuse("controller.port");
      ports.save();
      Properties props = KraftNode.properties(
          1, KraftNode.quorumVoters(List.of(controllerPort)), 1, logDir, brokerPort, controllerPort);
      Path credentialsFile = dataDir.resolve(CLIENT_PROPERTIES);
      boolean knownCredentials = authenticated && Files.exists(credentialsFile);
      String password = null;
      Map<String, String> security = Map.of();
      if (authenticated) {
        password = knownCredentials ? Sasl.readPassword(credentialsFile) : Sasl.newPassword();
        props.putAll(Sasl.brokerProperties(HOST, brokerPort, controllerPort, password));
        security = Sasl.clientSecurity(password);
      }
      overrides.forEach(props::setProperty);
      if (authenticated && !knownCredentials && KraftNode.formatted(logDir)) {
        addCredentialToExistingStorage(dataDir, props, brokerPort, password);
        knownCredentials = true;
      }
      KraftNode.formatOnce(dataDir, logDir, props, password, Uuid.randomUuid().toString());
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, server, brokerPort, security);
      try {
        if (authenticated && !knownCredentials) {
          kafka.awaitAuthenticated(Duration.ofSeconds(30));
          PrivateFiles.write(credentialsFile, Sasl.clientPropertiesFile(password));
        }
        kafka.createTopics();
        kafka.abortStrandedTransactions();
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      LOG.info(
          "Embedded Kafka broker ready at {} (data in {}) after {} ms",
          kafka.bootstrapServers(),
          logDir,
          (System.nanoTime() - started) / 1_000_000);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
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
    migrating.setProperty("listener.name.client.sasl.enabled.mechanisms", Sasl.SCRAM_MECHANISM + ",PLAIN");
    migrating.setProperty("listener.name.client.plain.sasl.jaas.config", Sasl.plainJaas(password));
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(migrating, false), Time.SYSTEM);
    server.startup();
    try {
      Map<String, Object> plain = new HashMap<>();
      plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
      plain.put("security.protocol", "SASL_PLAINTEXT");
      plain.put("sasl.mechanism", "PLAIN");
      plain.put("sasl.jaas.config", Sasl.plainJaas(password));
      try (Admin admin = Admin.create(plain)) {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(Sasl.PRINCIPAL,
            new ScramCredentialInfo(ScramMechanism.fromMechanismName(Sasl.SCRAM_MECHANISM), 8192), password)))
            .all().get(30, TimeUnit.SECONDS);
      }
      new EmbeddedKafka(dataDir, false, server, brokerPort, Sasl.clientSecurity(password))
          .awaitAuthenticated(Duration.ofSeconds(30));
      PrivateFiles.write(dataDir.resolve(CLIENT_PROPERTIES), Sasl.clientPropertiesFile(password));
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
   * The client configuration of the embedded broker a stopped or running {@code vigil up} keeps in
   * {@code dataDir} (its {@code kafka} folder): {@code bootstrap.servers} from the recorded broker
   * port, plus the credentials of {@value #CLIENT_PROPERTIES}. For tools on the same machine, such
   * as {@code vigil rules test}.
   *
   * @throws IOException when the folder holds no recorded broker port
   */
  public static Map<String, Object> clientConfigOf(Path dataDir) throws IOException {
    String port = Ports.load(dataDir).recorded("broker.port");
    if (port == null) {
      throw new IOException(dataDir + " holds no local Kafka broker (no " + Ports.FILE + ")");
    }
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", HOST + ":" + port);
    Path credentials = dataDir.resolve(CLIENT_PROPERTIES);
    if (Files.exists(credentials)) {
      Properties security = new Properties();
      try (var in = Files.newInputStream(credentials)) {
        security.load(in);
      }
      security.forEach((k, v) -> config.put(k.toString(), v));
    }
    return config;
  }

  /** Waits until this broker accepts {@link #clientProperties()}. */
  private void awaitAuthenticated(Duration timeout) {
    KraftNode.awaitBrokers(clientProperties(), nodes -> !nodes.isEmpty(), timeout, () -> { },
        "the embedded broker does not accept Vigil's credentials");
  }

  /** Creates every topic of {@link Topics} that does not exist yet. */
  public void createTopics() {
    List<String> created = KraftNode.createTopics(clientProperties(), 1);
    if (!created.isEmpty()) {
      LOG.info("Created topics {}", created);
    }
  }

  /**
   * Aborts the transactions a restart after a kill left open on partitions whose coordinator no longer
   * holds them in progress ({@link StrandedTransactions}): they would stop every read-committed consumer
   * of those partitions, Vigil's Streams applications among them, for good. Runs before any of Vigil's
   * transactional producers; a failure to look is logged, not fatal.
   */
  private void abortStrandedTransactions() {
    try (Admin admin = Admin.create(new HashMap<>(clientProperties()))) {
      List<StrandedTransactions.OpenTransaction> aborted = StrandedTransactions.abortAll(
          admin, Duration.ofSeconds(30), Duration.ofSeconds(1));
      if (!aborted.isEmpty()) {
        LOG.warn("Aborted {} stranded transaction(s) left by the previous run: {}", aborted.size(), aborted);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for stranded transactions", e);
    } catch (Exception e) {
      LOG.warn("Could not look for transactions left open by the previous run ({}); if a Streams application "
          + "stays in REBALANCING after this start, find them with kafka-transactions.sh find-hanging", e.toString());
    }
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
      PrivateFiles.deleteRecursively(dataDir());
    }
  }
}
