package dev.vigil.schemas;

import java.time.Instant;

/**
 * An API token of a workspace: the value of {@code vigil.api-tokens.v1} (key: token id). Only the hash
 * of the token is stored. Revoking a token writes a tombstone for its id.
 *
 * @param id public identifier of the token, safe to log
 * @param role {@code reader} or {@code admin}
 * @param tokenHash lower-case hex SHA-256 of the token
 * @param expiresAt when the token stops being accepted, or null for never (records written before
 *     expiry existed have none)
 */
public record ApiToken(
    String id,
    String workspace,
    String role,
    String tokenHash,
    String description,
    Instant createdAt,
    Instant expiresAt) {

  public static final String ROLE_READER = "reader";
  public static final String ROLE_ADMIN = "admin";

  /** Whether the token is past its expiry at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
