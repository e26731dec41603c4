package dev.vigil.ingest.identity;

import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Fingerprints;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secret tokens: minting and what a token may be. A token is 32 random bytes from {@link
 * SecureRandom}, base64url without padding, behind a prefix that tells its kind ({@code vgc_} cluster
 * ingest token, {@code vga_} API token) so that a leaked token is recognisable by secret scanners.
 * Only {@link Fingerprints#tokenHash} of a token is ever stored.
 */
public final class Tokens {
  public static final String CLUSTER_PREFIX = "vgc_";
  public static final String API_PREFIX = "vga_";

  /** Hex characters of the token hash that form a token's public id. */
  public static final int ID_HEX_CHARS = 12;

  /** Longest bearer token looked up or registered; anything longer is refused unhashed. */
  static final int MAX_CHARS = 512;

  /** Longest description of an API token. */
  static final int MAX_DESCRIPTION_CHARS = 200;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new API token (reader or admin of a workspace), to be shown once. */
  public static String newApiToken() {
    return API_PREFIX + random();
  }

  /** A new cluster ingest token, to be shown once. */
  public static String newClusterToken() {
    return CLUSTER_PREFIX + random();
  }

  /** The public id of a token: the first {@value #ID_HEX_CHARS} hex characters of its hash. */
  public static String tokenId(String token) {
    return Fingerprints.tokenHash(token).substring(0, ID_HEX_CHARS);
  }

  /** Whether {@code token} is short enough to be looked up at all. */
  static boolean lookupable(String token) {
    return token != null && !token.isEmpty() && token.length() <= MAX_CHARS;
  }

  /** @throws IllegalArgumentException unless {@code role} is reader or admin */
  static void requireRole(String role) {
    if (!ApiToken.ROLE_ADMIN.equals(role) && !ApiToken.ROLE_READER.equals(role)) {
      throw new IllegalArgumentException(
          "role must be " + ApiToken.ROLE_READER + " or " + ApiToken.ROLE_ADMIN + ", not '" + role + "'");
    }
  }

  /** Whether {@code hash} is what {@link Fingerprints#tokenHash} writes: lower-case hex SHA-256. */
  static boolean validHash(String hash) {
    return hash != null && hash.matches("[0-9a-f]{64}");
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
