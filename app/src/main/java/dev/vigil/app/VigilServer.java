package dev.vigil.app;

import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertsApp;
import dev.vigil.alerts.AlertsConfig;
import dev.vigil.alerts.AlertsTopology;
import dev.vigil.alerts.KafkaAlertFeed;
import dev.vigil.alerts.KafkaAlertStatusSink;
import dev.vigil.alerts.LiveStreams;
import dev.vigil.alerts.StreamIds;
import dev.vigil.alerts.outputs.OutputRoutes;
import dev.vigil.alerts.outputs.Outputs;
import dev.vigil.alerts.suppression.SuppressionRoutes;
import dev.vigil.alerts.table.CompactedTable;
import dev.vigil.alerts.incidents.IncidentQueries;
import dev.vigil.alerts.incidents.IncidentRoutes;
import dev.vigil.alerts.incidents.IncidentsApp;
import dev.vigil.alerts.incidents.IncidentsConfig;
import dev.vigil.alerts.incidents.IncidentStream;
import dev.vigil.alerts.incidents.IncidentsTopology;
import dev.vigil.alerts.incidents.KafkaIncidentStatusSink;
import dev.vigil.alerts.overview.ClusterHealth;
import dev.vigil.alerts.overview.ClusterHealthSource;
import dev.vigil.alerts.overview.OverviewRoutes;
import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.app.memory.MemoryMonitor;
import dev.vigil.app.memory.RocksDbMemory;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.sigma.RuleLoadException;
import dev.vigil.detection.sigma.SigmaCatalogue;
import dev.vigil.detection.sigma.SigmaConfig;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.ingest.ClusterActivity;
import dev.vigil.ingest.IngestGateway;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.InstallState;
import dev.vigil.ingest.admission.AdmissionSettings;
import dev.vigil.ingest.admission.BacklogMonitor;
import dev.vigil.ingest.admission.FairAdmission;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.IdentityReader;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.kafkalocal.LocalKafka;
import dev.vigil.kafkalocal.LocalKafkaCluster;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.SuppressionRule;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vigil process running every role: the embedded broker (unless an external Kafka is given), the
 * ingest gateway, the cluster registry, the detection and alerts Streams applications, and the HTTPS
 * API on one port.
 */
final class VigilServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);
  static final String DEFAULT_WORKSPACE = "default";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final VigilConfig config;
  private final DataDir dataDir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private PrometheusMeterRegistry metrics;
  private LocalKafka kafka;
  private String bootstrap;
  /** The embedded broker's SASL settings (none with an external Kafka): a secret, never logged. */
  private Map<String, String> kafkaSecurity = Map.of();
  /** The gateway's identity component: resolves tokens and registers clusters and tokens. */
  private ClusterRegistry registry;
  /** An alerts-only process's identity: it only resolves tokens, so it only reads. */
  private IdentityReader identity;
  private IngestGateway gateway;
  private KafkaAlertStatusSink statusSink;
  private Outputs outputs;
  private CompactedTable<SuppressionRule> suppressionRules;
  private KafkaStreams detection;
  private KafkaStreams alerts;
  private KafkaStreams incidents;
  private KafkaIncidentStatusSink incidentSink;
  private Vertx vertx;
  private HttpServer httpServer;
  private HttpServer metricsServer;
  private ConnectionGuard connections;
  private LiveStreams liveStreams;
  private TlsMaterial tls;
  private RocksDbMemory rocksDbMemory;
  private MemoryMonitor memoryMonitor;
  private String url;
  private boolean closed;

  private VigilServer(VigilConfig config) {
    this.config = config;
    this.dataDir = new DataDir(config.get(Settings.DATA_DIR));
  }

  /**
   * The shipped detection rules with {@code file} layered on top (none: the defaults), checked by
   * building the catalogue once.
   */
  static DetectionRules detectionRules(Path file) {
    try {
      DetectionRules rules = file == null ? DetectionRules.defaults() : DetectionRules.load(file);
      DetectorCatalogue catalogue = DetectorCatalogue.builtIn(
          DetectionConfig.defaults(new SimpleMeterRegistry()).withRules(rules));
      LOG.info("Detection catalogue: {} alert types from {}", catalogue.alertTypes().size(), rules.sources());
      return rules;
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage() + " (fix the file given by --detection-config or "
          + "VIGIL_DETECTION_CONFIG)", e);
    }
  }

  /** Starts every role and returns once the API answers and both Streams applications run. */
  static VigilServer start(VigilConfig config) {
    VigilServer server = new VigilServer(config);
    try {
      server.startAll();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    } catch (Exception e) {
      server.close();
      throw new StartupException("Vigil could not start: " + e.getMessage(), e);
    }
  }

  private void startAll() throws Exception {
    long started = System.nanoTime();
    boolean gatewayRole = config.runs(Role.GATEWAY);
    boolean detectRole = config.runs(Role.DETECT);
    boolean alertsRole = config.runs(Role.ALERTS_API);
    dataDir.prepare();
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics);
    resources.add(gc);
    MemoryBudget budget = config.memory();
    LOG.info("Using a {}", budget.describe());
    if (detectRole || alertsRole) {
      rocksDbMemory = RocksDbMemory.of(budget);
    }
    memoryMonitor = new MemoryMonitor(budget, rocksDbMemory, metrics);

    // Rules first: a typo in them or an invalid Sigma rule should stop start-up before a broker is
    // started for nothing.
    SigmaCatalogue catalogue = null;
    DetectionConfig detectionConfig = null;
    if (detectRole) {
      DetectionRules detectionRules = detectionRules(config.get(Settings.DETECTION_CONFIG));
      try {
        detectionConfig = DetectionConfig.defaults(metrics)
            .withRules(detectionRules)
            .withStateful(config.stateful())
            .withBackfillHorizon(config.get(Settings.BACKFILL_HORIZON));
        catalogue = SigmaCatalogue.load(DetectorCatalogue.builtIn(detectionConfig).all(),
            SigmaConfig.defaults().withRulesDir(config.get(Settings.RULES_DIR))
                .withLenient(config.get(Settings.RULES_LENIENT)),
            metrics);
      } catch (RuleLoadException | IllegalArgumentException e) {
        throw new StartupException(e.getMessage(), e);
      }
      resources.add(catalogue);
      catalogue.startWatching();
    }

    if (config.embeddedKafka()) {
      int brokers = config.get(Settings.BROKERS);
      if (brokers > 1) {
        // Each broker is a process of its own with its own heap, outside this process's memory budget.
        LOG.info("Starting {} local Kafka brokers as processes in {}", brokers, dataDir.kafkaDir().toAbsolutePath());
        kafka = LocalKafkaCluster.start(dataDir.kafkaDir(), brokers);
      } else {
        LOG.info("Starting the embedded Kafka broker in {}", dataDir.kafkaDir().toAbsolutePath());
        kafka = EmbeddedKafka.start(dataDir.kafkaDir(), 0, budget.brokerOverrides());
      }
      bootstrap = kafka.bootstrapServers();
      Map<String, String> security = new HashMap<>(kafka.clientProperties());
      security.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
      kafkaSecurity = Map.copyOf(security);
    } else {
      bootstrap = config.kafkaBootstrap();
      LOG.info("Using Kafka at {}", bootstrap);
      createTopics();
    }

    CallerResolver callers = null;
    boolean caughtUp = true;
    if (gatewayRole) {
      registry = new ClusterRegistry(kafkaClientConfig());
      registry.start();
      caughtUp = registry.awaitCaughtUp(START_TIMEOUT);
      callers = registry;
    } else if (alertsRole) {
      identity = new IdentityReader(kafkaClientConfig()).start();
      caughtUp = identity.awaitCaughtUp(START_TIMEOUT);
      callers = identity;
    }
    if (!caughtUp) {
      throw new StartupException("could not read the cluster registry from Kafka at " + bootstrap
          + " within " + START_TIMEOUT.toSeconds() + " s: check that Kafka is reachable");
    }
    if (gatewayRole) {
      ensureAdminToken();
    }
    if (config.api().metricsToken() && callers == null) {
      throw new StartupException("--metrics-token checks tokens, which a detect-only process does not read:"
          + " use --metrics-port (a separate address) instead");
    }

    tls = config.get(Settings.TLS_CERT) != null
        ? TlsMaterial.fromFiles(config.get(Settings.TLS_CERT), config.get(Settings.TLS_KEY))
        : TlsMaterial.loadOrCreate(dataDir.tlsDir(), config.get(Settings.HOSTNAME));

    ClusterActivity activity = null;
    IngestLimits limits = null;
    if (gatewayRole) {
      activity = new ClusterActivity(config.get(Settings.UNHEALTHY_AFTER), java.time.Clock.systemUTC());
      limits = config.ingestLimits();
      Map<String, Object> producer = new HashMap<>(kafkaClientConfig());
      producer.putAll(config.kafka().producer());
      gateway = new IngestGateway(producer, limits, metrics);
      registerClusterGauges(activity);
      AdmissionSettings admission = config.admission();
      if (admission.enabled()) {
        FairAdmission fair = new FairAdmission(admission, metrics);
        gateway.useAdmission(fair);
        resources.add(new BacklogMonitor(kafkaClientConfig(), Topics.AUDIT_RAW.name(),
            DetectionApp.APPLICATION_ID, fair).start());
      }
    }

    if (detectRole) {
      DetectionConfig detectionSettings = detectionConfig;
      SigmaCatalogue detectors = catalogue;
      detection = streams(DetectionApp.streamsProperties(bootstrap, dataDir.streamsDir()),
          builder -> DetectionTopology.addTo(builder, detectionSettings, detectors));
    }
    if (alertsRole) {
      AlertsConfig alertsConfig = AlertsConfig.defaults(metrics).withDedupWindow(config.get(Settings.ALERT_WINDOW));
      alerts = streams(AlertsApp.streamsProperties(bootstrap, dataDir.streamsDir()),
          builder -> AlertsTopology.addTo(builder, alertsConfig));
      IncidentsConfig incidentsConfig = IncidentsConfig.defaults().withWindow(config.get(Settings.INCIDENT_WINDOW));
      incidents = streams(IncidentsApp.streamsProperties(bootstrap, dataDir.streamsDir()),
          builder -> IncidentsTopology.addTo(builder, incidentsConfig));
    }
    dataDir.makeStreamsStatePrivate();
    for (KafkaStreams streams : runningStreams()) {
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("A Kafka Streams thread failed and is replaced: {}", e.toString(), e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      memoryMonitor.watch(streams == detection ? DetectionApp.APPLICATION_ID
          : streams == incidents ? IncidentsApp.APPLICATION_ID : AlertsApp.APPLICATION_ID, streams);
      KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
      streamsMetrics.bindTo(metrics);
      resources.add(streamsMetrics);
      streams.start();
    }

    memoryMonitor.start();

    AlertQueries queries = null;
    KafkaAlertFeed feed = null;
    if (alertsRole) {
      queries = AlertQueries.of(alerts);
      statusSink = new KafkaAlertStatusSink(kafkaClientConfig());
      feed = new KafkaAlertFeed(kafkaClientConfig(), config.api().maxStreams());
      outputs = new Outputs(kafkaClientConfig(), metrics, () -> url).start();
      resources.add(outputs);
      suppressionRules = new CompactedTable<>(kafkaClientConfig(), Topics.SUPPRESSIONS, "vigil-suppressions").start();
      resources.add(suppressionRules);
    }

    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    // Stream ids are encrypted under a key derived from the TLS key: instances serving one certificate
    // read each other's ids, and nobody without the key reads a position out of them.
    StreamIds streamIds = new StreamIds(Files.readAllBytes(tls.keyPath()));
    liveStreams = ApiRouter.configure(router, new ApiRouter.Parts(callers, registry, activity, gateway, limits, queries,
        statusSink, feed, metrics, this::ready, config.api(), streamIds));
    if (alertsRole) {
      OutputRoutes.mount(router, callers, outputs);
      KafkaStreams alertsApp = alerts;
      SuppressionRoutes.mount(router, callers, suppressionRules, () -> alertsApp.store(
          StoreQueryParameters.fromNameAndType(AlertsTopology.ALERTS_BY_ID_STORE, QueryableStoreTypes.keyValueStore())));
      IncidentQueries incidentQueries = IncidentQueries.of(incidents);
      incidentSink = new KafkaIncidentStatusSink(kafkaClientConfig());
      IncidentStream.mount(router, callers, liveStreams, kafkaClientConfig());
      IncidentRoutes.mount(router, callers, incidentQueries, queries, incidentSink, statusSink);
      OverviewRoutes.mount(router, callers, queries, incidentQueries, catalogueCoverage(),
          clusterHealth(activity), java.time.Clock.systemUTC());
    }
    ApiLimits api = config.api();
    HttpServerOptions options = tls.applyTo(new HttpServerOptions())
        .setHost(config.get(Settings.BIND))
        .setPort(config.get(Settings.PORT))
        .setCompressionSupported(true)
        .setIdleTimeout((int) api.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    // The TLS handshake keeps Vert.x's own bound (10 s); the guard times what follows it.
    connections = new ConnectionGuard(api.maxConnections(), api.headerTimeout());
    connections.start(vertx);
    httpServer = vertx.createHttpServer(options)
        .connectionHandler(connections::opened)
        .requestHandler(connections.wrap(router))
        .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (api.metricsPort() >= 0) {
      // Plain HTTP on its own address (loopback by default), for a Prometheus beside the process.
      Router metricsRouter = Router.router(vertx);
      metricsRouter.get("/metrics")
          .handler(new MetricsScrape(metrics::scrape, ApiRouter.METRICS_MAX_AGE_MS)::serve);
      metricsServer = vertx.createHttpServer(new HttpServerOptions()
              .setHost(api.metricsBind()).setPort(api.metricsPort()).setIdleTimeout(60))
          .requestHandler(metricsRouter)
          .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info("Metrics on http://{}:{}/metrics", api.metricsBind(), metricsServer.actualPort());
    }
    String bind = config.get(Settings.BIND);
    String host = bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind;
    url = "https://" + host + ":" + httpServer.actualPort();

    awaitStreamsRunning();
    memoryMonitor.sampleSoon();
    if (gatewayRole || alertsRole) {
      DataDir.writePrivate(dataDir.serverUrl(), url + "\n");
    }
    LOG.info("Vigil ready at {} after {} ms", url, (System.nanoTime() - started) / 1_000_000);
  }

  /** Tactic → techniques the shipped detector catalogue covers, for the overview's ATT&CK matrix. */
  static Map<String, java.util.Set<String>> catalogueCoverage() {
    Map<String, java.util.Set<String>> coverage = new java.util.TreeMap<>();
    for (var detector : DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry())).all()) {
      for (String tactic : detector.info().tactics()) {
        coverage.computeIfAbsent(tactic, t -> new java.util.TreeSet<>()).addAll(detector.info().techniques());
      }
    }
    return coverage;
  }

  /** Ingest health per cluster for the overview: what this process's gateway saw, none without one. */
  private ClusterHealthSource clusterHealth(ClusterActivity activity) {
    if (activity == null || registry == null) {
      return ClusterHealthSource.none();
    }
    return workspace -> registry.list(workspace).stream().map(c -> {
      ClusterActivity.Snapshot seen = activity.snapshot(workspace, c.name());
      return new ClusterHealth(c.name(), activity.installState(seen).name(), seen.eventsPerMinute(),
          seen.lastEventTime());
    }).toList();
  }

  private List<KafkaStreams> runningStreams() {
    List<KafkaStreams> running = new ArrayList<>();
    if (detection != null) {
      running.add(detection);
    }
    if (alerts != null) {
      running.add(alerts);
    }
    if (incidents != null) {
      running.add(incidents);
    }
    return running;
  }

  /** {@code vigil_clusters{state}}: how many registered clusters are in each install state, as this gateway sees them. */
  private void registerClusterGauges(ClusterActivity activity) {
    for (InstallState state : InstallState.values()) {
      Gauge.builder("vigil.clusters", () -> registry.all().stream()
              .filter(c -> activity.installState(c.workspace(), c.name()) == state).count())
          .description("Registered clusters by install state, as seen by this gateway")
          .tag("state", state.name())
          .register(metrics);
    }
  }

  private void ensureAdminToken() throws IOException {
    String token;
    if (Files.exists(dataDir.adminToken())) {
      token = Files.readString(dataDir.adminToken()).trim();
    } else {
      token = Tokens.newApiToken();
      DataDir.writePrivate(dataDir.adminToken(), token + "\n");
      LOG.info("Created the admin token of workspace '{}' in {}", DEFAULT_WORKSPACE,
          dataDir.adminToken().toAbsolutePath());
    }
    registry.ensureApiToken(token, DEFAULT_WORKSPACE, ApiToken.ROLE_ADMIN, "vigil up admin token");
  }

  /**
   * Settings every Kafka client shares: the bootstrap servers, the operator's client properties and,
   * on the embedded broker, Vigil's credentials (which win: that broker accepts nothing else).
   */
  private Map<String, Object> kafkaClientConfig() {
    Map<String, Object> client = new HashMap<>(config.kafka().client());
    client.putAll(kafkaSecurity);
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.memory().clientDefaults().forEach(client::putIfAbsent);
    return client;
  }

  /**
   * A Streams application whose topology is built with its own configuration, so that
   * {@code ensure.explicit.internal.resource.naming} fails the start-up on any generated name.
   */
  private KafkaStreams streams(Properties props, Consumer<StreamsBuilder> topology) {
    config.kafka().client().forEach(props::putIfAbsent);
    props.putAll(config.kafka().streams());
    props.putAll(kafkaSecurity);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(Settings.STREAM_THREADS));
    // After a crash, a restarted process waits this long for its old member to be declared dead.
    props.putIfAbsent(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    props.putIfAbsent(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 2_000);
    config.memory().applyTo(props, rocksDbMemory);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    topology.accept(builder);
    return new KafkaStreams(builder.build(props), props);
  }

  private void createTopics() throws Exception {
    try (Admin admin = Admin.create(kafkaClientConfig())) {
      int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      List<String> created = Topics.createMissing(admin, Topics.replicationFor(brokers), 30_000);
      if (!created.isEmpty()) {
        LOG.info("Created topics {}", created);
      }
    }
  }

  private void awaitStreamsRunning() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!ready()) {
      if (System.nanoTime() > deadline) {
        throw new StartupException("the Streams applications did not reach RUNNING within "
            + START_TIMEOUT.toSeconds() + " s (detection " + (detection == null ? "-" : detection.state())
            + ", alerts " + (alerts == null ? "-" : alerts.state()) + "): see "
            + dataDir.logsDir().resolve("kafka.log"));
      }
      Thread.sleep(50);
    }
  }

  /** Ready when this process's Streams applications run and its registry (or reader) has read Kafka. */
  boolean ready() {
    if (config.runs(Role.DETECT) && (detection == null || detection.state() != KafkaStreams.State.RUNNING)) {
      return false;
    }
    if (config.runs(Role.ALERTS_API) && (alerts == null || alerts.state() != KafkaStreams.State.RUNNING
        || incidents == null || incidents.state() != KafkaStreams.State.RUNNING)) {
      return false;
    }
    return (registry == null || registry.isCaughtUp()) && (identity == null || identity.isCaughtUp());
  }

  String url() {
    return url;
  }

  int port() {
    return httpServer.actualPort();
  }

  /** The port of {@code --metrics-port}, or -1 when metrics are served on the HTTPS port. */
  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  ConnectionGuard connections() {
    return connections;
  }

  /** The live streams' counters, or null when this process does not serve the alerts API. */
  LiveStreams liveStreams() {
    return liveStreams;
  }

  DataDir dataDir() {
    return dataDir;
  }

  java.nio.file.Path caCertificate() {
    return dataDir.caCertificate();
  }

  String kafkaBootstrap() {
    return bootstrap;
  }

  /** What a Kafka client of this process's broker needs: bootstrap servers and credentials. */
  Map<String, Object> kafkaClientProperties() {
    return kafkaClientConfig();
  }

  /** Stops the API first, then the Streams applications (committing), the producer, and the broker. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("Vigil is stopping");
    if (liveStreams != null) {
      // Open live streams never end on their own: end them, or the graceful shutdown waits them out.
      liveStreams.endAll();
    }
    if (httpServer != null) {
      // Graceful: no new connections, requests in flight may finish (their Kafka acknowledgement included).
      quietly(() -> httpServer.shutdown(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture()
          .get(15, TimeUnit.SECONDS));
    }
    if (metricsServer != null) {
      quietly(() -> metricsServer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
    if (vertx != null) {
      quietly(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    if (memoryMonitor != null) {
      quietly(memoryMonitor::close);
    }
    for (KafkaStreams streams : new KafkaStreams[] {detection, alerts, incidents}) {
      if (streams != null) {
        // Leaving the group lets a restarted process take its partitions at once instead of
        // waiting for the old member's session to expire.
        quietly(() -> streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
      }
    }
    if (rocksDbMemory != null) {
      // Only now: every store that shared the cache has closed with its Streams application.
      quietly(rocksDbMemory::close);
    }
    if (gateway != null) {
      quietly(gateway::close);
    }
    if (statusSink != null) {
      quietly(statusSink::close);
    }
    if (incidentSink != null) {
      quietly(incidentSink::close);
    }
    if (registry != null) {
      quietly(registry::close);
    }
    if (identity != null) {
      quietly(identity::close);
    }
    for (AutoCloseable resource : resources) {
      quietly(resource::close);
    }
    if (kafka != null) {
      quietly(kafka::close);
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("Vigil stopped");
  }

  private interface Action {
    void run() throws Exception;
  }

  private static void quietly(Action action) {
    try {
      action.run();
    } catch (Exception e) {
      LOG.warn("While stopping: {}", e.toString());
    }
  }
}
