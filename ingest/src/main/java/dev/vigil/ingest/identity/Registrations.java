package dev.vigil.ingest.identity;

import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Topics;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clusters and API tokens as {@link Topics#CLUSTERS} and {@link Topics#API_TOKENS} describe them, and
 * the credentials they grant in a {@link TokenIndex}. Records arrive from the topic follower and, for
 * changes made through this instance, from the writer as soon as Kafka acknowledged them; the highest
 * offset applied per key wins, so a stale record never undoes a newer change.
 *
 * <p>Registrations are keyed {@code workspace/name} ({@link ClusterKeys#of}). Registrations written
 * before names were per workspace, keyed by the bare name, are filed as {@code workspace/name} from the
 * workspace their record carries, and their tombstone removes only what that bare key registered.
 */
final class Registrations {
  private static final Logger log = LoggerFactory.getLogger(Registrations.class);

  private final TokenIndex tokens = new TokenIndex();
  /** Registrations by {@code workspace/name}. */
  private final ConcurrentMap<String, ClusterRegistration> clusters = new ConcurrentHashMap<>();
  /**
   * The topic key each registration was read or written under, by {@code workspace/name}: the
   * qualified key itself, or a bare name written before names were per workspace. A delete tombstones
   * that key, so an old record cannot come back when the topic is read again.
   */
  private final Map<String, String> topicKeys = new HashMap<>();
  private final ConcurrentMap<String, ApiToken> apiTokens = new ConcurrentHashMap<>();
  /** Highest offset applied per topic and key. */
  private final Map<String, Long> appliedOffsets = new HashMap<>();
  private final Object lock = new Object();

  TokenIndex tokens() {
    return tokens;
  }

  /** Applies one record of either topic; a record that cannot be read is skipped with a warning. */
  void apply(String topic, String key, byte[] value, long offset) {
    synchronized (lock) {
      String offsetKey = topic + '\u0000' + key;
      Long applied = appliedOffsets.get(offsetKey);
      if (applied != null && applied > offset) {
        return;
      }
      appliedOffsets.put(offsetKey, offset);
      try {
        if (topic.equals(Topics.CLUSTERS.name())) {
          applyCluster(key, value == null ? null : Topics.CLUSTERS.valueSerde().deserializer().deserialize(topic, value));
        } else if (topic.equals(Topics.API_TOKENS.name())) {
          applyApiToken(key, value == null ? null : Topics.API_TOKENS.valueSerde().deserializer().deserialize(topic, value));
        }
      } catch (RuntimeException e) {
        log.warn("skipping unreadable record {} at offset {} of {}: {}", key, offset, topic, e.toString());
      }
    }
  }

  /**
   * Applies one record of the clusters topic. {@code topicKey} is {@code workspace/name}, or a bare
   * name written before names were per workspace.
   */
  private void applyCluster(String topicKey, ClusterRegistration registration) {
    if (registration != null && !Tokens.validHash(registration.tokenHash())) {
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
      tokens.remove(old.tokenHash());
    }
    if (registration != null) {
      tokens.put(
          registration.tokenHash(),
          new Caller(Caller.CLUSTER, registration.workspace(), registration.name()),
          null);
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
    if (token != null && !Tokens.validHash(token.tokenHash())) {
      log.warn("skipping API token {}: token hash is not SHA-256 hex", id);
      return;
    }
    ApiToken old = token == null ? apiTokens.remove(id) : apiTokens.put(id, token);
    if (old != null) {
      tokens.remove(old.tokenHash());
    }
    if (token == null) {
      tokens.forgetUse(id);
    } else {
      tokens.put(token.tokenHash(), new Caller(token.role(), token.workspace(), id), token.expiresAt());
    }
  }

  /** The key the registration {@code workspace/name} was written under: the one its tombstone needs. */
  String topicKey(String key) {
    synchronized (lock) {
      return topicKeys.getOrDefault(key, key);
    }
  }

  int clusterCount() {
    return clusters.size();
  }

  int apiTokenCount() {
    return apiTokens.size();
  }

  List<ClusterRegistration> all() {
    return List.copyOf(clusters.values());
  }

  List<ClusterRegistration> list(String workspace) {
    return clusters.values().stream()
        .filter(c -> c.workspace().equals(workspace))
        .sorted(Comparator.comparing(ClusterRegistration::name))
        .collect(Collectors.toList());
  }

  Optional<ClusterRegistration> get(String workspace, String name) {
    return workspace == null || name == null
        ? Optional.empty()
        : Optional.ofNullable(clusters.get(ClusterKeys.of(workspace, name)));
  }

  List<ApiToken> apiTokens(String workspace) {
    return apiTokens.values().stream()
        .filter(t -> workspace == null || t.workspace().equals(workspace))
        .sorted(Comparator.comparing(ApiToken::id))
        .collect(Collectors.toList());
  }

  Optional<ApiToken> apiToken(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(apiTokens.get(id));
  }
}
