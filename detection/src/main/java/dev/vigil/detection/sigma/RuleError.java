package dev.vigil.detection.sigma;

import java.util.Objects;

/**
 * One reason a Sigma rule file cannot be used, precise enough to fix it without reading the loader.
 *
 * @param file the rule file as given (relative to the rules dir, or {@code classpath:...} for a
 *     shipped rule)
 * @param line 1-based line of the offending YAML node, or 0 when the whole file is concerned
 * @param ruleId the rule's {@code id}, or null when it could not be read
 * @param kind what class of mistake this is
 * @param message what is wrong and what to do about it
 */
public record RuleError(String file, int line, String ruleId, Kind kind, String message) {

  /** Classes of rule mistakes; the name appears in the error text. */
  public enum Kind {
    /** The file is not YAML, or not one YAML mapping. */
    YAML_SYNTAX,
    /** A required key ({@code title}, {@code id}, {@code logsource}, {@code detection}, ...) is absent. */
    MISSING_KEY,
    /** A key has a value of the wrong shape (a list where a string is required, a bad level, ...). */
    BAD_VALUE,
    /** A detection field that is neither an audit-event path nor a documented short name. */
    UNKNOWN_FIELD,
    /** A value modifier Vigil does not implement, or a combination that makes no sense. */
    UNSUPPORTED_MODIFIER,
    /** The condition does not parse or names no selection. */
    BAD_CONDITION,
    /** A value can never match the field's type (text against the integer response code). */
    TYPE_MISMATCH,
    /** Two rules share an id, so they would raise the same alert type. */
    DUPLICATE_ID
  }

  public RuleError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file:line: rule <id>: KIND: message}, the form printed at start-up. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(file);
    if (line > 0) {
      text.append(':').append(line);
    }
    text.append(": ");
    if (ruleId != null) {
      text.append("rule ").append(ruleId).append(": ");
    }
    return text.append(kind).append(": ").append(message).toString();
  }
}
