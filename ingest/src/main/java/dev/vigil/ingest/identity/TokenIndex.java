package dev.vigil.ingest.identity;

import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Fingerprints;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The credentials this instance accepts, by token hash: resolves a bearer token to its caller with
 * one hash and one map lookup, never blocking. It knows nothing of Kafka; {@link Registrations} fills
 * it from the two compacted topics.
 */
public final class TokenIndex implements CallerResolver {
  /** A resolvable token: its hash, who it is, and when it stops being accepted (null: never). */
  private record Credential(byte[] hash, Caller caller, Instant expiresAt) {}

  private final ConcurrentMap<String, Credential> byHash = new ConcurrentHashMap<>();
  /** When each API token was last accepted by this instance (per instance, like cluster activity). */
  private final ConcurrentMap<String, Instant> lastUsed = new ConcurrentHashMap<>();

  /** Accepts the token whose hash is {@code tokenHash} (lower-case hex SHA-256) as {@code caller}. */
  void put(String tokenHash, Caller caller, Instant expiresAt) {
    byHash.put(tokenHash, new Credential(HexFormat.of().parseHex(tokenHash), caller, expiresAt));
  }

  /** Refuses the token whose hash is {@code tokenHash} from now on. */
  void remove(String tokenHash) {
    byHash.remove(tokenHash);
  }

  /** Forgets when the API token {@code id} was last used (it was revoked). */
  void forgetUse(String id) {
    lastUsed.remove(id);
  }

  /** Resolves a cluster ingest token or an API token; an in-memory lookup that never blocks. */
  @Override
  public Optional<Caller> resolve(String bearerToken) {
    if (!Tokens.lookupable(bearerToken)) {
      return Optional.empty();
    }
    String hash = Fingerprints.tokenHash(bearerToken);
    Credential credential = byHash.get(hash);
    // The map lookup is keyed by the hash, so its timing reveals nothing usable about the token;
    // the final comparison is constant time all the same.
    if (credential == null
        || !MessageDigest.isEqual(credential.hash(), HexFormat.of().parseHex(hash))) {
      return Optional.empty();
    }
    if (credential.expiresAt() != null && !Instant.now().isBefore(credential.expiresAt())) {
      return Optional.empty();
    }
    Caller caller = credential.caller();
    if (!caller.isCluster()) {
      lastUsed.put(caller.name(), Instant.now());
    }
    return Optional.of(caller);
  }

  /** When this instance last accepted the API token {@code id}; empty when not since it started. */
  public Optional<Instant> lastUsed(String id) {
    return Optional.ofNullable(lastUsed.get(id));
  }
}
