package dev.vigil.schemas;

import java.time.Instant;

/**
 * An API token of a workspace: the value of {@code vigil.api-tokens.v1} (key: token id). Only the hash
 * of the token is stored.
 *
 * @param id public identifier of the token, safe to log
 * @param role {@code reader} or {@code admin}
 * @param tokenHash lower-case hex SHA-256 of the token
 */
public record ApiToken(
    String id, String workspace, String role, String tokenHash, String description, Instant createdAt) {

  public static final String ROLE_READER = "reader";
  public static final String ROLE_ADMIN = "admin";
}
