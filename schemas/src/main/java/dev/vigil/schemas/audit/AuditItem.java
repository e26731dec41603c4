package dev.vigil.schemas.audit;

import dev.vigil.schemas.AuditEvent;
import java.util.Arrays;

/**
 * One item {@link AuditReader} read: a valid audit event or a rejected item, with its exact bytes as a
 * slice of the input ({@code source[offset, offset + length)}).
 *
 * @param source the input the item was read from (not copied)
 * @param offset where the item's JSON value starts in {@code source}
 * @param length how many bytes the value takes
 * @param username {@code user.username} when the item has it as a string (also when rejected, so a
 *     rejected item can be keyed like its neighbours); null when unreadable or named twice
 * @param auditId {@code auditID} when the item has it as a string, or null
 * @param stage {@code stage} when the item has it as a string, or null
 * @param event the event, only for a valid item read by {@link AuditReader#events()}; null otherwise
 * @param reason why the item was rejected, one line; null for a valid event
 */
public record AuditItem(
    byte[] source,
    int offset,
    int length,
    String username,
    String auditId,
    String stage,
    AuditEvent event,
    String reason) {

  static AuditItem rejected(byte[] source, int offset, int length, String reason) {
    return new AuditItem(source, offset, length, null, null, null, null, reason);
  }

  public boolean valid() {
    return reason == null;
  }

  /** A copy of the item's bytes. */
  public byte[] bytes() {
    return Arrays.copyOfRange(source, offset, offset + length);
  }
}
