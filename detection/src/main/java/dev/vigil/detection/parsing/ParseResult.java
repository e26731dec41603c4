package dev.vigil.detection.parsing;

/**
 * The outcome of parsing one raw record: either a valid {@link AuditRecord} or the original bytes
 * with the reason they were rejected.
 */
public record ParseResult(AuditRecord valid, byte[] raw, String reason) {

  static ParseResult valid(AuditRecord record) {
    return new ParseResult(record, null, null);
  }

  static ParseResult rejected(byte[] raw, String reason) {
    return new ParseResult(null, raw, reason);
  }

  public boolean isRejected() {
    return valid == null;
  }
}
