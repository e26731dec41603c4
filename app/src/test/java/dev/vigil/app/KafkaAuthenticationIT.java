package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, finding 1: a local process that reaches the embedded broker of {@code vigil up} without
 * Vigil's credentials reads and writes nothing, so it cannot plant an admin token; with them (the
 * control) the same record does make an admin, which is what the broker's authentication prevents.
 */
class KafkaAuthenticationIT {
  /** How long an attacker's client tries before the attempt counts as refused. */
  private static final Duration REFUSAL_WINDOW = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void clientsWithoutOrWithWrongCredentialsCannotReadOrWriteVigilsTopicsNorForgeAnAdminToken() throws Exception {
    SecurityIT.Capture capture = SecurityIT.Capture.attach();
    Path data = dir.resolve("data");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      Https https = Https.of(server);
      String admin = Files.readString(data.resolve("admin.token")).trim();

      // Vigil itself works: its registry, gateway, both Streams applications and the alert store.
      https.addCluster(admin, "demo");
      assertThat(https.method("POST", "/v1/clusters/demo/simulate", admin, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/alerts?type=K8S_TestAlert", admin).json()
          .path("alerts").size() > 0);

      String forged = Tokens.newApiToken();
      Map<String, Object> anonymous = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.kafkaBootstrap());
      attackFails(anonymous, "no credentials", forged);
      String password = password(server.kafkaClientProperties());
      Map<String, Object> wrongPassword = new HashMap<>(server.kafkaClientProperties());
      wrongPassword.put("sasl.jaas.config",
          String.valueOf(wrongPassword.get("sasl.jaas.config")).replace(password, "guessed-" + password.substring(8)));
      attackFails(wrongPassword, "a wrong password", forged);
      assertThatThrownBy(() -> write(wrongPassword, Topics.API_TOKENS.name(), "x", new byte[0]))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);

      // The controller listener refuses too.
      Map<String, Object> controller = Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG,
          "127.0.0.1:" + ports(data).getProperty("controller.port"),
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
      try (Admin a = Admin.create(controller)) {
        assertThatThrownBy(() -> a.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
            .as("unauthenticated admin on the controller listener").isNotNull();
      }

      // A record that had got through would have reached the registry by now.
      Thread.sleep(2_000);
      assertThat(https.get("/v1/me", forged).status()).as("the forged token after the refused writes").isEqualTo(401);

      // Control: with Vigil's credentials the very same record makes an admin. This is the attack of
      // the issue, and what the broker's authentication now keeps from other local users.
      write(server.kafkaClientProperties(), Topics.API_TOKENS.name(), Tokens.tokenId(forged), forgedAdminToken(forged));
      await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/me", forged).status() == 200);
      assertThat(https.get("/v1/me", forged).json().path("role").asText()).isEqualTo("admin");

      Path credentials = data.resolve("kafka").resolve(EmbeddedKafka.CLIENT_PROPERTIES);
      assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(List.copyOf(capture.lines)).as("Vigil's Kafka password in a log line").noneMatch(l -> l.contains(password));
      System.out.printf("KAFKA-AUTH without credentials and with a wrong password: %d topics, 0 records read, "
          + "0 writes accepted, forged admin token 401; with Vigil's credentials the same record gives admin%n",
          Topics.all().size());
    } finally {
      capture.detach();
    }
  }

  /**
   * Reads, writes and the forged admin token with {@code attacker}'s client settings: all refused.
   * Each attempt has its own client and its whole {@link #REFUSAL_WINDOW}; they run side by side
   * because a client without credentials is not told it is refused (the broker just drops its
   * connections) and so waits its window out: one after the other, that came to close to a minute.
   */
  private static void attackFails(Map<String, Object> attacker, String who, String forged) throws Exception {
    List<Callable<Void>> attempts = new ArrayList<>();
    attempts.add(() -> {
      assertThat(readEveryTopic(attacker)).as(who + ": records read from Vigil's topics").isEmpty();
      return null;
    });
    attempts.add(() -> {
      assertThatThrownBy(() -> write(attacker, Topics.API_TOKENS.name(), Tokens.tokenId(forged),
          forgedAdminToken(forged))).as(who + ": forged admin token").isNotNull();
      return null;
    });
    for (Topic<?, ?> topic : Topics.all()) {
      attempts.add(() -> {
        assertThatThrownBy(() -> write(attacker, topic.name(), "planted", "{}".getBytes(StandardCharsets.UTF_8)))
            .as(who + ": write to " + topic.name()).isNotNull();
        return null;
      });
    }
    attempts.add(() -> {
      assertThatThrownBy(() -> listTopics(attacker)).as(who + ": list topics").isNotNull();
      return null;
    });
    ExecutorService pool = Executors.newFixedThreadPool(attempts.size());
    try {
      for (Future<Void> attempt : pool.invokeAll(attempts)) {
        try {
          attempt.get();
        } catch (ExecutionException e) {
          // The attempt's own assertion failure, with its description, rather than a wrapper.
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String password(Map<String, Object> client) {
    String jaas = String.valueOf(client.get("sasl.jaas.config"));
    int start = jaas.indexOf("password=\"") + "password=\"".length();
    return jaas.substring(start, jaas.indexOf('"', start));
  }

  private static Properties ports(Path data) throws Exception {
    Properties ports = new Properties();
    try (InputStream in = Files.newInputStream(data.resolve("kafka").resolve("ports.properties"))) {
      ports.load(in);
    }
    return ports;
  }

  /** The record the attacker wrote: an admin token of workspace {@code default}, by hash. */
  private static byte[] forgedAdminToken(String token) throws Exception {
    ObjectNode record = Json.mapper().createObjectNode()
        .put("id", Tokens.tokenId(token))
        .put("workspace", "default")
        .put("role", "admin")
        .put("tokenHash", Fingerprints.tokenHash(token))
        .put("description", "forged")
        .put("createdAt", Instant.now().toString());
    return Json.mapper().writeValueAsBytes(record);
  }

  private static void listTopics(Map<String, Object> client) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    try (Admin admin = Admin.create(config)) {
      admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }
  }

  /** Every record a consumer with {@code client} gets from partition 0 of each Vigil topic in a few seconds. */
  private static List<ConsumerRecord<String, byte[]>> readEveryTopic(Map<String, Object> client) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = Topics.all().stream().map(t -> new TopicPartition(t.name(), 0)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + REFUSAL_WINDOW.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          consumer.poll(Duration.ofMillis(500)).forEach(read::add);
        } catch (RuntimeException refused) {
          // An authentication failure surfaces here; keep trying until the window closes.
        }
      }
    }
    return read;
  }

  private static void write(Map<String, Object> client, String topic, String key, byte[] value) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REFUSAL_WINDOW.toMillis());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }
  }
}
