package dev.vigil.schemas;

import java.util.Optional;

/**
 * Resolves a bearer token to its caller. Implementations never block (an in-memory lookup of the
 * token's hash) and compare hashes in constant time.
 */
@FunctionalInterface
public interface CallerResolver {
  /** The caller owning {@code bearerToken}, or empty when the token is unknown or revoked. */
  Optional<Caller> resolve(String bearerToken);

  /**
   * The token of an {@code Authorization: Bearer ...} header value, or null when the header is absent
   * or not a bearer credential.
   */
  static String bearerToken(String authorizationHeader) {
    if (authorizationHeader == null) {
      return null;
    }
    String value = authorizationHeader.trim();
    if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = value.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
