package dev.vigil.ingest;

import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of clusters and API tokens, kept in memory from the compacted topics {@link
 * Topics#CLUSTERS} and {@link Topics#API_TOKENS} and resolving bearer tokens without blocking.
 *
 * <p>A background consumer without a group reads both topics from the beginning and follows them, so
 * every instance converges on the same state. Changes made through this instance ({@link #register},
 * {@link #revoke}, {@link #ensureApiToken}) are applied locally as soon as Kafka acknowledged them, so
 * the next request sees them at once; other instances see them when they read the record.
 *
 * <p>Cluster names are unique within a workspace, not globally: registrations are keyed {@code
 * workspace/name} ({@link ClusterKeys#of}) on the topic and in memory, every lookup by name is within
 * the caller's workspace, and a name taken in another workspace is neither refused nor revealed.
 * Registrations written before that, keyed by the bare name, are read as {@code workspace/name} from
 * the workspace their record carries, and a delete tombstones the key they were written under.
 *
 * <p>Name uniqueness is checked against this instance's view: two instances registering the same name
 * in one workspace at the same moment both succeed and the later record wins.
 */
public final class ClusterRegistry implements CallerResolver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);

  /** Cluster names and workspaces: a DNS label, with dots allowed inside. */
  public static final Pattern NAME_PATTERN = Pattern.compile("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$");

  static final int MAX_LABELS = 64;
  static final int MAX_LABEL_KEY_CHARS = 253;
  static final int MAX_LABEL_VALUE_CHARS = 1024;
  private static final int MAX_TOKEN_CHARS = 512;
  static final int MAX_DESCRIPTION_CHARS = 200;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(250);

  /** A resolvable token: its hash, who it is, and when it stops being accepted (null: never). */
  private record Credential(byte[] hash, Caller caller, Instant expiresAt) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  /** Registrations by {@code workspace/name}. */
  private final ConcurrentMap<String, ClusterRegistration> clusters = new ConcurrentHashMap<>();
  /**
   * The topic key each registration was read or written under, by {@code workspace/name}: the
   * qualified key itself, or a bare name written before names were per workspace. A delete tombstones
   * that key, so an old record cannot come back when the topic is read again.
   */
  private final Map<String, String> topicKeys = new HashMap<>();
  private final ConcurrentMap<String, ApiToken> apiTokens = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Credential> credentials = new ConcurrentHashMap<>();
  /** When each API token was last accepted by this instance (per instance, like cluster activity). */
  private final ConcurrentMap<String, Instant> lastUsed = new ConcurrentHashMap<>();
  /** Highest offset applied per topic and key, so a stale record never undoes a newer change. */
  private final Map<String, Long> appliedOffsets = new HashMap<>();
  private final Object stateLock = new Object();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param kafkaClientConfig common Kafka client settings: at least {@code bootstrap.servers}, plus any
   *     security settings
   */
  public ClusterRegistry(Map<String, Object> kafkaClientConfig) {
    Map<String, Object> consumerConfig = new HashMap<>(kafkaClientConfig);
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-registry-reader");
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.consumer = new KafkaConsumer<>(consumerConfig);

    Map<String, Object> producerConfig = new HashMap<>(kafkaClientConfig);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-registry-writer");
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(producerConfig);

    this.thread = new Thread(this::run, "vigil-registry-reader");
    this.thread.setDaemon(true);
  }

  /** Starts following the topics in the background. */
  public void start() {
    thread.start();
  }

  /** Waits until everything written before the start has been read; the readiness signal. */
  public boolean awaitCaughtUp(Duration timeout) {
    try {
      caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the registry reader failed", e.getCause());
    }
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone();
  }

  /** Resolves a cluster ingest token or an API token; an in-memory lookup that never blocks. */
  @Override
  public Optional<Caller> resolve(String bearerToken) {
    if (bearerToken == null || bearerToken.isEmpty() || bearerToken.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    String hash = Fingerprints.tokenHash(bearerToken);
    Credential credential = credentials.get(hash);
    // The map lookup is keyed by the hash, so its timing reveals nothing usable about the token;
    // the final comparison is constant time all the same.
    if (credential == null
        || !MessageDigest.isEqual(credential.hash(), HexFormat.of().parseHex(hash))) {
      return Optional.empty();
    }
    if (credential.expiresAt() != null) {
      Instant now = Instant.now();
      if (!now.isBefore(credential.expiresAt())) {
        return Optional.empty();
      }
    }
    Caller caller = credential.caller();
    if (!caller.isCluster()) {
      lastUsed.put(caller.name(), Instant.now());
    }
    return Optional.of(caller);
  }

  /**
   * Registers a cluster and returns its ingest token, which is shown once and never stored.
   *
   * @throws IllegalArgumentException when the name, workspace or labels are invalid
   * @throws ClusterExistsException when the name is taken in {@code workspace} (other workspaces'
   *     names are never looked at)
   * @throws KafkaUnavailableException when Kafka did not acknowledge the registration
   */
  public String register(String name, String workspace, Map<String, String> labels) {
    requireName("cluster name", name);
    requireName("workspace", workspace);
    Map<String, String> checkedLabels = checkLabels(labels);
    writeLock.lock();
    try {
      requireCaughtUp();
      String key = ClusterKeys.of(workspace, name);
      if (clusters.containsKey(key)) {
        throw new ClusterExistsException(name);
      }
      String token = Tokens.newClusterToken();
      ClusterRegistration registration =
          new ClusterRegistration(
              name,
              workspace,
              Fingerprints.tokenHash(token),
              checkedLabels,
              Instant.now().truncatedTo(ChronoUnit.MILLIS));
      write(Topics.CLUSTERS, key, registration);
      log.info("registered cluster {} in workspace {}", name, workspace);
      return token;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Deletes a cluster of a workspace and revokes its token: the tombstone is written, and this
   * instance refuses the token at once.
   *
   * @return false when {@code workspace} has no cluster of that name
   */
  public boolean revoke(String workspace, String name) {
    writeLock.lock();
    try {
      String key = ClusterKeys.of(workspace, name);
      if (!clusters.containsKey(key)) {
        return false;
      }
      String topicKey;
      synchronized (stateLock) {
        topicKey = topicKeys.getOrDefault(key, key);
      }
      write(Topics.CLUSTERS, topicKey, null);
      log.info("revoked cluster {} of workspace {}", name, workspace);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Every registered cluster, of every workspace (for metrics; never answer an API call with it). */
  public List<ClusterRegistration> all() {
    return List.copyOf(clusters.values());
  }

  /** The clusters of a workspace, sorted by name. */
  public List<ClusterRegistration> list(String workspace) {
    return clusters.values().stream()
        .filter(c -> c.workspace().equals(workspace))
        .sorted(Comparator.comparing(ClusterRegistration::name))
        .collect(Collectors.toList());
  }

  /** The cluster {@code name} of {@code workspace}; a cluster of that name in another is not found. */
  public Optional<ClusterRegistration> get(String workspace, String name) {
    return workspace == null || name == null
        ? Optional.empty()
        : Optional.ofNullable(clusters.get(ClusterKeys.of(workspace, name)));
  }

  /**
   * Registers the hash of an API token unless it is registered already; {@code vigil up} uses it for
   * the admin token it writes to its data directory.
   *
   * @param role {@link ApiToken#ROLE_READER} or {@link ApiToken#ROLE_ADMIN}
   * @return the stored token record (the existing one when the token was registered before)
   */
  public ApiToken ensureApiToken(String token, String workspace, String role, String description) {
    return ensureApiToken(token, workspace, role, description, null);
  }

  private ApiToken ensureApiToken(
      String token, String workspace, String role, String description, Instant expiresAt) {
    if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
      throw new IllegalArgumentException("the token must be 1.." + MAX_TOKEN_CHARS + " characters");
    }
    requireName("workspace", workspace);
    if (!ApiToken.ROLE_ADMIN.equals(role) && !ApiToken.ROLE_READER.equals(role)) {
      throw new IllegalArgumentException(
          "role must be " + ApiToken.ROLE_READER + " or " + ApiToken.ROLE_ADMIN + ", not " + role);
    }
    String hash = Fingerprints.tokenHash(token);
    String id = hash.substring(0, Tokens.ID_HEX_CHARS);
    writeLock.lock();
    try {
      requireCaughtUp();
      ApiToken existing = apiTokens.get(id);
      if (existing != null && existing.tokenHash().equals(hash)) {
        return existing;
      }
      ApiToken record =
          new ApiToken(
              id,
              workspace,
              role,
              hash,
              description,
              Instant.now().truncatedTo(ChronoUnit.MILLIS),
              expiresAt);
      write(Topics.API_TOKENS, id, record);
      log.info("registered {} token {} of workspace {}", role, id, workspace);
      return record;
    } finally {
      writeLock.unlock();
    }
  }

  /** A new API token and its stored record; the token itself is shown once and never stored. */
  public record CreatedApiToken(String token, ApiToken record) {}

  /**
   * Creates a new random API token of {@code workspace} with {@code role}, stores its hash and returns
   * it with its record.
   *
   * @param role {@link ApiToken#ROLE_READER} or {@link ApiToken#ROLE_ADMIN}
   * @throws IllegalArgumentException when the workspace, role or description is invalid
   * @throws KafkaUnavailableException when Kafka did not acknowledge the token
   */
  public CreatedApiToken createApiToken(String workspace, String role, String description) {
    return createApiToken(workspace, role, description, null);
  }

  /**
   * Creates a new random API token like {@link #createApiToken(String, String, String)} that is
   * refused from {@code expiresAt} on (null: never).
   *
   * @throws IllegalArgumentException also when {@code expiresAt} is not in the future
   */
  public CreatedApiToken createApiToken(
      String workspace, String role, String description, Instant expiresAt) {
    requireName("workspace", workspace);
    if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
      throw new IllegalArgumentException("the expiry " + expiresAt + " is not in the future");
    }
    if (!ApiToken.ROLE_ADMIN.equals(role) && !ApiToken.ROLE_READER.equals(role)) {
      throw new IllegalArgumentException(
          "role must be " + ApiToken.ROLE_READER + " or " + ApiToken.ROLE_ADMIN + ", not '" + role + "'");
    }
    if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
      throw new IllegalArgumentException(
          "the description may be at most " + MAX_DESCRIPTION_CHARS + " characters");
    }
    String token = Tokens.newApiToken();
    ApiToken record =
        ensureApiToken(
            token,
            workspace,
            role,
            description,
            expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS));
    return new CreatedApiToken(token, record);
  }

  /** The API tokens of {@code workspace} (null: of every workspace), sorted by id. */
  public List<ApiToken> apiTokens(String workspace) {
    return apiTokens.values().stream()
        .filter(t -> workspace == null || t.workspace().equals(workspace))
        .sorted(Comparator.comparing(ApiToken::id))
        .collect(Collectors.toList());
  }

  public Optional<ApiToken> apiToken(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(apiTokens.get(id));
  }

  /** When this instance last accepted the API token {@code id}; empty when not since it started. */
  public Optional<Instant> lastUsed(String id) {
    return Optional.ofNullable(lastUsed.get(id));
  }

  /**
   * Revokes an API token: a tombstone for its id is written to {@code vigil.api-tokens.v1}; this
   * instance refuses the token at once, every other instance as soon as it reads the tombstone.
   *
   * @return false when no such token exists
   * @throws KafkaUnavailableException when Kafka did not acknowledge the tombstone
   */
  public boolean revokeApiToken(String id) {
    writeLock.lock();
    try {
      if (id == null || !apiTokens.containsKey(id)) {
        return false;
      }
      write(Topics.API_TOKENS, id, null);
      log.info("revoked API token {}", id);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  private void requireCaughtUp() {
    if (!awaitCaughtUp(CATCH_UP_TIMEOUT)) {
      throw new KafkaUnavailableException(
          "the cluster registry has not finished reading Kafka; retry later", null);
    }
  }

  /** Writes a record, waits for the acknowledgement, and applies it locally at once. */
  private <V> void write(Topic<String, V> topic, String key, V value) {
    byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
    RecordMetadata metadata;
    try {
      metadata =
          producer
              .send(new ProducerRecord<>(topic.name(), key, bytes))
              .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new KafkaUnavailableException(
          "Kafka did not acknowledge the change to " + topic.name() + "; retry later",
          e instanceof ExecutionException ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while writing to " + topic.name(), e);
    }
    apply(topic.name(), key, bytes, metadata.offset());
  }

  private void run() {
    List<TopicPartition> partitions = null;
    Map<TopicPartition, Long> endOffsets = null;
    try {
      while (running) {
        try {
          if (partitions == null) {
            partitions = partitionsOf(Topics.CLUSTERS.name(), Topics.API_TOKENS.name());
            if (partitions == null) {
              sleepQuietly(1_000);
              continue;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
          }
          if (endOffsets == null) {
            endOffsets = consumer.endOffsets(partitions);
          }
          for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            if (record.key() != null) {
              apply(record.topic(), record.key(), record.value(), record.offset());
            }
          }
          if (!caughtUp.isDone() && reached(endOffsets)) {
            log.info(
                "cluster registry caught up: {} clusters, {} API tokens",
                clusters.size(),
                apiTokens.size());
            caughtUp.complete(null);
          }
        } catch (WakeupException e) {
          if (running) {
            throw e;
          }
        } catch (KafkaException e) {
          log.warn("cluster registry cannot read Kafka, retrying: {}", e.toString());
          sleepQuietly(1_000);
        }
      }
    } catch (RuntimeException e) {
      log.error("cluster registry reader stopped", e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> partitionsOf(String... topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        log.info("waiting for topic {} to exist", topic);
        return null;
      }
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    return partitions;
  }

  private boolean reached(Map<TopicPartition, Long> endOffsets) {
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(String topic, String key, byte[] value, long offset) {
    synchronized (stateLock) {
      String offsetKey = topic + '\u0000' + key;
      Long applied = appliedOffsets.get(offsetKey);
      if (applied != null && applied > offset) {
        return;
      }
      appliedOffsets.put(offsetKey, offset);
      try {
        if (topic.equals(Topics.CLUSTERS.name())) {
          ClusterRegistration registration =
              value == null ? null : Topics.CLUSTERS.valueSerde().deserializer().deserialize(topic, value);
          applyCluster(key, registration);
        } else if (topic.equals(Topics.API_TOKENS.name())) {
          ApiToken token =
              value == null
                  ? null
                  : Topics.API_TOKENS.valueSerde().deserializer().deserialize(topic, value);
          applyApiToken(key, token);
        }
      } catch (RuntimeException e) {
        log.warn("skipping unreadable record {} at offset {} of {}: {}", key, offset, topic, e.toString());
      }
    }
  }

  /**
   * Applies one record of the clusters topic. {@code topicKey} is {@code workspace/name}, or a bare
   * name written before names were per workspace: such a record is filed under the workspace it
   * carries, and its tombstone removes only what that bare key registered.
   */
  private void applyCluster(String topicKey, ClusterRegistration registration) {
    if (registration != null && !validHash(registration.tokenHash())) {
      log.warn("skipping registration of cluster {}: token hash is not SHA-256 hex", topicKey);
      return;
    }
    if (registration != null
        && (registration.name() == null
            || registration.workspace() == null
            || !(topicKey.equals(registration.name())
                || topicKey.equals(ClusterKeys.of(registration.workspace(), registration.name()))))) {
      log.warn("skipping registration under key {}: it names cluster {} of workspace {}", topicKey,
          registration.name(), registration.workspace());
      return;
    }
    ClusterRegistration old;
    if (registration == null) {
      String key = topicKey.indexOf('/') >= 0 ? topicKey : legacyOwner(topicKey);
      if (key == null || !topicKey.equals(topicKeys.getOrDefault(key, key))) {
        return;
      }
      topicKeys.remove(key);
      old = clusters.remove(key);
    } else {
      String key = ClusterKeys.of(registration.workspace(), registration.name());
      topicKeys.put(key, topicKey);
      old = clusters.put(key, registration);
    }
    if (old != null) {
      credentials.remove(old.tokenHash());
    }
    if (registration != null) {
      credentials.put(
          registration.tokenHash(),
          new Credential(
              HexFormat.of().parseHex(registration.tokenHash()),
              new Caller(Caller.CLUSTER, registration.workspace(), registration.name()),
              null));
    }
  }

  /** The {@code workspace/name} that a bare (pre-workspace) topic key registered, or null. */
  private String legacyOwner(String bareName) {
    for (Map.Entry<String, String> entry : topicKeys.entrySet()) {
      if (entry.getValue().equals(bareName)) {
        return entry.getKey();
      }
    }
    return null;
  }

  private void applyApiToken(String id, ApiToken token) {
    if (token != null && !validHash(token.tokenHash())) {
      log.warn("skipping API token {}: token hash is not SHA-256 hex", id);
      return;
    }
    ApiToken old = token == null ? apiTokens.remove(id) : apiTokens.put(id, token);
    if (old != null) {
      credentials.remove(old.tokenHash());
    }
    if (token == null) {
      lastUsed.remove(id);
    } else {
      credentials.put(
          token.tokenHash(),
          new Credential(
              HexFormat.of().parseHex(token.tokenHash()),
              new Caller(token.role(), token.workspace(), id),
              token.expiresAt()));
    }
  }

  private static boolean validHash(String hash) {
    return hash != null && hash.matches("[0-9a-f]{64}");
  }

  static void requireName(String what, String name) {
    if (name == null || !NAME_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' is not valid: use 1-63 lower-case letters, digits, '-' or '.', starting and"
              + " ending with a letter or digit");
    }
  }

  private static Map<String, String> checkLabels(Map<String, String> labels) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException("at most " + MAX_LABELS + " labels are allowed");
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String key = label.getKey();
      String value = label.getValue();
      if (key == null || key.isEmpty() || key.length() > MAX_LABEL_KEY_CHARS) {
        throw new IllegalArgumentException(
            "label keys must be 1.." + MAX_LABEL_KEY_CHARS + " characters");
      }
      if (value == null || value.length() > MAX_LABEL_VALUE_CHARS) {
        throw new IllegalArgumentException(
            "label '" + key + "' needs a string value of at most " + MAX_LABEL_VALUE_CHARS
                + " characters");
      }
    }
    return Map.copyOf(labels);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the reader and closes the Kafka clients. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    if (thread.isAlive()) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ZERO);
    }
    producer.close(Duration.ofSeconds(2));
  }
}
