package dev.vigil.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Fingerprints and ids built from explicit tuples, never from a JSON dump. */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * Stable key of the alert that findings of (workspace, cluster, alertType, entity) aggregate into.
   * Cluster names are unique only within a workspace, so the workspace is part of the tuple: two
   * workspaces' clusters of the same name never share an alert.
   */
  public static String alertFingerprint(
      String workspace, String cluster, String alertType, String entity) {
    return sha256Hex(32, "fp", workspace, cluster, alertType, entity);
  }

  /** Lower-case hex SHA-256 of a secret token, as stored at rest. */
  public static String tokenHash(String token) {
    return HexFormat.of().formatHex(digest().digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Lower-case hex SHA-256 over the parts, each prefixed by its length so that no two tuples collide,
   * cut to {@code hexChars} characters.
   */
  public static String sha256Hex(int hexChars, String... parts) {
    MessageDigest md = digest();
    for (String part : parts) {
      byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
      md.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(bytes);
    }
    return HexFormat.of().formatHex(md.digest()).substring(0, hexChars);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
