package dev.vigil.alerts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code id} of a server-sent event: its {@link StreamPosition} encrypted (AES-256-GCM, random
 * nonce), so that a reader learns nothing from it. A plain position — offsets of the whole alerts
 * topic — would count every workspace's alerts: its growth between two events, or between two
 * connections, shows another workspace's activity. Encrypted, two ids of the same position differ and
 * an id's length depends only on the partition count. {@code Last-Event-ID} is decrypted back to the
 * position, so resuming stays exact; a tampered or foreign id is refused.
 *
 * <p>Every instance constructed from the same secret decodes the others' ids (the server derives it
 * from its TLS key, which the instances behind one address share). A plain position from an older
 * version is still accepted as {@code Last-Event-ID}: choosing where one's own stream resumes reveals
 * nothing about others.
 */
public final class StreamIds {
  private static final String PREFIX = "v1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** Ids keyed by SHA-256 of {@code secret}; instances with equal secrets read each other's ids. */
  public StreamIds(byte[] secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("vigil alert stream ids v1".getBytes(StandardCharsets.US_ASCII));
      this.key = new SecretKeySpec(sha.digest(secret), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** Ids under a random key: they do not survive a restart (tests, and a server without TLS key). */
  public static StreamIds random() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new StreamIds(secret);
  }

  /** The opaque id of {@code position}. */
  public String encode(StreamPosition position) {
    long[] offsets = position.offsets();
    ByteBuffer plain = ByteBuffer.allocate(offsets.length * Long.BYTES);
    for (long offset : offsets) {
      plain.putLong(offset);
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plain.array());
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt a stream position", e);
    }
  }

  /**
   * The position of an id this class wrote, or of a plain position.
   *
   * @throws IllegalArgumentException when {@code id} is neither (tampered, or from another server)
   */
  public StreamPosition decode(String id) {
    String text = id.trim();
    if (!text.startsWith(PREFIX)) {
      return StreamPosition.parse(text);
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw refused();
    }
    int sealed = raw.length - NONCE_BYTES - TAG_BITS / 8;
    if (sealed <= 0 || sealed % Long.BYTES != 0
        || sealed / Long.BYTES > StreamPosition.MAX_PARTITIONS) {
      throw refused();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      ByteBuffer plain =
          ByteBuffer.wrap(cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES));
      long[] offsets = new long[plain.remaining() / Long.BYTES];
      for (int i = 0; i < offsets.length; i++) {
        offsets[i] = plain.getLong();
        if (offsets[i] < 0) {
          throw refused();
        }
      }
      return new StreamPosition(offsets);
    } catch (GeneralSecurityException e) {
      throw refused();
    }
  }

  private static IllegalArgumentException refused() {
    return new IllegalArgumentException(
        "Last-Event-ID is not an id this server's stream sent (changed, or from another server):"
            + " reconnect without it");
  }
}
