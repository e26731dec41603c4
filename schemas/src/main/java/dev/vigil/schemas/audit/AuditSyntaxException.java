package dev.vigil.schemas.audit;

/**
 * A body {@link AuditReader#readBody} cannot read as JSON at all, so it cannot tell one item from the
 * next: the caller refuses it as a whole (or tries each line alone, for JSON lines).
 */
public final class AuditSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String detail;
  private final boolean utf8;

  AuditSyntaxException(int line, int column, String detail, boolean utf8) {
    super(utf8 ? AuditValidator.notJson(line, column, detail) : AuditValidator.NOT_UTF8);
    this.line = line;
    this.column = column;
    this.detail = AuditValidator.oneLine(detail);
    this.utf8 = utf8;
  }

  static AuditSyntaxException notUtf8() {
    return new AuditSyntaxException(0, 0, "not UTF-8", false);
  }

  /** The line where the input stops being JSON, from 1; 0 for input that is not UTF-8. */
  public int line() {
    return line;
  }

  /** The column in that line, from 1; 0 for input that is not UTF-8. */
  public int column() {
    return column;
  }

  /** The parser's own words for what is wrong, one line and bounded. */
  public String detail() {
    return detail;
  }

  /**
   * False when the input is not UTF-8 (UTF-16 or UTF-32 by its byte order mark or zero bytes): item
   * bytes cannot be sliced from it, so no part of it is read.
   */
  public boolean utf8() {
    return utf8;
  }
}
