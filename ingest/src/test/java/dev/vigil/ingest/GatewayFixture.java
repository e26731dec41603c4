package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * A real gateway for integration tests: the embedded broker, the registry, the gateway and both route
 * sets on an HTTPS Vert.x server with a generated certificate, and a JDK client trusting its ca.crt.
 * Public in this module's test jar for the app's {@code AgentIT}.
 */
public final class GatewayFixture implements AutoCloseable {
  public final EmbeddedKafka kafka;
  final Path tlsDir;
  final ClusterRegistry registry;
  final IngestGateway gateway;
  final ClusterActivity activity;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final IngestLimits limits;
  final Vertx vertx;
  private final Router router;
  private final TlsMaterial tls;
  HttpServer server;
  private int port;
  final HttpClient http;
  public final String adminToken = Tokens.newApiToken();
  final String readerToken = Tokens.newApiToken();
  final String otherAdminToken = Tokens.newApiToken();

  public GatewayFixture(IngestLimits limits) throws Exception {
    this(limits, ClusterActivity.DEFAULT_UNHEALTHY_AFTER);
  }

  GatewayFixture(IngestLimits limits, Duration unhealthyAfter) throws Exception {
    this.limits = limits;
    this.activity = new ClusterActivity(unhealthyAfter, java.time.Clock.systemUTC());
    this.kafka = EmbeddedKafka.startTemporary();
    Map<String, Object> clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());
    this.registry = new ClusterRegistry(clientConfig);
    registry.start();
    assertThat(registry.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
    registry.ensureApiToken(adminToken, "default", ApiToken.ROLE_ADMIN, "test admin");
    registry.ensureApiToken(readerToken, "default", ApiToken.ROLE_READER, "test reader");
    registry.ensureApiToken(otherAdminToken, "other", ApiToken.ROLE_ADMIN, "admin elsewhere");
    this.gateway = new IngestGateway(clientConfig, limits, meters);
    this.tlsDir = Files.createTempDirectory("vigil-tls");
    this.tls = TlsMaterial.loadOrCreate(tlsDir, List.of());
    this.vertx = Vertx.vertx();
    this.router = Router.router(vertx);
    IngestRoutes.mount(router, registry, gateway, limits, activity);
    ClusterRoutes.mount(router, registry, registry, activity);
    this.server = listen(0);
    this.port = server.actualPort();
    this.http =
        HttpClient.newBuilder()
            .sslContext(TlsMaterial.clientContextTrusting(tlsDir.resolve(TlsMaterial.CA_FILE)))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  private HttpServer listen(int port) throws Exception {
    return vertx
        .createHttpServer(tls.applyTo(new HttpServerOptions().setHost("localhost").setPort(port)))
        .requestHandler(router)
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** Stops the HTTPS listener: clients get connection refused until {@link #startServer}. */
  public void stopServer() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Listens again on the port the server had. */
  public void startServer() throws Exception {
    server = listen(port);
  }

  public Path caFile() {
    return tlsDir.resolve(TlsMaterial.CA_FILE);
  }

  public URI uri(String path) {
    return URI.create("https://localhost:" + port + path);
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> push(String token, String body) throws IOException, InterruptedException {
    return send(
        request(IngestRoutes.PATH, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** Registers a cluster through the HTTP API as the default workspace admin; returns its token. */
  public String registerCluster(String name) throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            request(ClusterRoutes.PATH, adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"labels\":{\"env\":\"test\"}}"))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode body = json(response);
    assertThat(body.path("installState").asText()).isEqualTo("Pending");
    return body.path("token").asText();
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.mapper().readTree(response.body());
  }

  /** Reads {@code topic} from the beginning until {@code expected} records match. */
  List<ConsumerRecord<String, byte[]>> awaitRecords(
      String topic, Predicate<ConsumerRecord<String, byte[]>> match, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                  if (match.test(record)) {
                    found.add(record);
                  }
                }
                return found.size() >= expected;
              });
      // Anything more than expected would be a duplicate: read once more to see it.
      consumer.poll(Duration.ofMillis(300)).forEach(r -> {
        if (match.test(r)) {
          found.add(r);
        }
      });
    }
    return found;
  }

  /** Sends raw bytes over TLS and reads the answer until the server closes the connection. */
  String rawExchange(String request) throws Exception {
    SSLContext context = TlsMaterial.clientContextTrusting(tlsDir.resolve(TlsMaterial.CA_FILE));
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        answer.write(buf, 0, n);
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    gateway.close();
    registry.close();
    kafka.close();
  }
}
