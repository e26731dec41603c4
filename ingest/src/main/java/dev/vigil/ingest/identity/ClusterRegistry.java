package dev.vigil.ingest.identity;

import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster and token identity: the clusters and API tokens of every workspace, kept in memory from the
 * compacted topics {@link Topics#CLUSTERS} and {@link Topics#API_TOKENS} (an {@link IdentityReader}),
 * resolving bearer tokens without blocking, and changed through this class alone.
 *
 * <p>Every instance reads both topics from the beginning and converges on the same state. Changes made
 * through this instance ({@link #register}, {@link #revoke}, {@link #ensureApiToken}, {@link
 * #createApiToken}, {@link #revokeApiToken}) are applied locally as soon as Kafka acknowledged them, so
 * the next request sees them at once; other instances see them when they read the record.
 *
 * <p>Cluster names are unique within a workspace, not globally: registrations are keyed {@code
 * workspace/name} ({@link ClusterKeys#of}), every lookup by name is within the caller's workspace, and
 * a name taken in another workspace is neither refused nor revealed. Uniqueness is checked against
 * this instance's view: two instances registering the same name in one workspace at the same moment
 * both succeed and the later record wins.
 */
public final class ClusterRegistry implements CallerResolver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(15);

  private final Registrations registrations = new Registrations();
  private final IdentityReader reader;
  private final TopicWriter writer;
  private final ReentrantLock writeLock = new ReentrantLock();

  /**
   * @param kafkaClientConfig common Kafka client settings: at least {@code bootstrap.servers}, plus any
   *     security settings
   */
  public ClusterRegistry(Map<String, Object> kafkaClientConfig) {
    this.reader = new IdentityReader(kafkaClientConfig, registrations);
    this.writer = new TopicWriter(kafkaClientConfig);
  }

  /** Starts following the topics in the background. */
  public void start() {
    reader.start();
  }

  /** Waits until everything written before the start has been read; the readiness signal. */
  public boolean awaitCaughtUp(Duration timeout) {
    return reader.awaitCaughtUp(timeout);
  }

  public boolean isCaughtUp() {
    return reader.isCaughtUp();
  }

  /** Resolves a cluster ingest token or an API token; an in-memory lookup that never blocks. */
  @Override
  public Optional<Caller> resolve(String bearerToken) {
    return reader.resolve(bearerToken);
  }

  /**
   * Registers a cluster and returns its ingest token, which is shown once and never stored.
   *
   * @throws IllegalArgumentException when the name, workspace or labels are invalid
   * @throws ClusterExistsException when the name is taken in {@code workspace} (other workspaces'
   *     names are never looked at)
   * @throws RegistryUnavailableException when Kafka did not acknowledge the registration
   */
  public String register(String name, String workspace, Map<String, String> labels) {
    ClusterNames.requireName("cluster name", name);
    ClusterNames.requireName("workspace", workspace);
    Map<String, String> checkedLabels = ClusterNames.checkLabels(labels);
    writeLock.lock();
    try {
      requireCaughtUp();
      if (registrations.get(workspace, name).isPresent()) {
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
      write(Topics.CLUSTERS, ClusterKeys.of(workspace, name), registration);
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
      if (registrations.get(workspace, name).isEmpty()) {
        return false;
      }
      // A registration written before names were per workspace is tombstoned under its bare key.
      write(Topics.CLUSTERS, registrations.topicKey(ClusterKeys.of(workspace, name)), null);
      log.info("revoked cluster {} of workspace {}", name, workspace);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Every registered cluster, of every workspace (for metrics; never answer an API call with it). */
  public List<ClusterRegistration> all() {
    return registrations.all();
  }

  /** The clusters of a workspace, sorted by name. */
  public List<ClusterRegistration> list(String workspace) {
    return registrations.list(workspace);
  }

  /** The cluster {@code name} of {@code workspace}; a cluster of that name in another is not found. */
  public Optional<ClusterRegistration> get(String workspace, String name) {
    return registrations.get(workspace, name);
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
    if (token == null || token.isBlank() || !Tokens.lookupable(token)) {
      throw new IllegalArgumentException("the token must be 1.." + Tokens.MAX_CHARS + " characters");
    }
    ClusterNames.requireName("workspace", workspace);
    Tokens.requireRole(role);
    String hash = Fingerprints.tokenHash(token);
    String id = hash.substring(0, Tokens.ID_HEX_CHARS);
    writeLock.lock();
    try {
      requireCaughtUp();
      Optional<ApiToken> existing = registrations.apiToken(id);
      if (existing.isPresent() && existing.get().tokenHash().equals(hash)) {
        return existing.get();
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
   * @throws RegistryUnavailableException when Kafka did not acknowledge the token
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
    ClusterNames.requireName("workspace", workspace);
    if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
      throw new IllegalArgumentException("the expiry " + expiresAt + " is not in the future");
    }
    Tokens.requireRole(role);
    if (description != null && description.length() > Tokens.MAX_DESCRIPTION_CHARS) {
      throw new IllegalArgumentException(
          "the description may be at most " + Tokens.MAX_DESCRIPTION_CHARS + " characters");
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
    return registrations.apiTokens(workspace);
  }

  public Optional<ApiToken> apiToken(String id) {
    return registrations.apiToken(id);
  }

  /** When this instance last accepted the API token {@code id}; empty when not since it started. */
  public Optional<Instant> lastUsed(String id) {
    return registrations.tokens().lastUsed(id);
  }

  /**
   * Revokes an API token: a tombstone for its id is written to {@code vigil.api-tokens.v1}; this
   * instance refuses the token at once, every other instance as soon as it reads the tombstone.
   *
   * @return false when no such token exists
   * @throws RegistryUnavailableException when Kafka did not acknowledge the tombstone
   */
  public boolean revokeApiToken(String id) {
    writeLock.lock();
    try {
      if (registrations.apiToken(id).isEmpty()) {
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
    if (!reader.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
      throw new RegistryUnavailableException(
          "the cluster registry has not finished reading Kafka; retry later", null);
    }
  }

  /** Writes a record, waits for the acknowledgement, and applies it locally at once. */
  private <V> void write(Topic<String, V> topic, String key, V value) {
    byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
    long offset = writer.write(topic.name(), key, bytes);
    registrations.apply(topic.name(), key, bytes, offset);
  }

  /** Stops the reader and closes the Kafka clients. */
  @Override
  public void close() {
    reader.close();
    writer.close();
  }
}
