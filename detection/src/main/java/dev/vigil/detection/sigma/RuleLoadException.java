package dev.vigil.detection.sigma;

import java.util.List;

/** Thrown when Sigma rules are invalid and lenient loading is off; lists every error, not the first. */
public final class RuleLoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<RuleError> errors;

  RuleLoadException(List<RuleError> errors) {
    super(message(errors));
    this.errors = List.copyOf(errors);
  }

  /** Every error found, in file order. */
  public List<RuleError> errors() {
    return errors;
  }

  private static String message(List<RuleError> errors) {
    StringBuilder text =
        new StringBuilder()
            .append(errors.size())
            .append(errors.size() == 1 ? " invalid Sigma rule" : " errors in Sigma rules")
            .append(" (fix them, remove the files, or start with --rules-lenient to skip invalid rules):");
    for (RuleError error : errors) {
      text.append(System.lineSeparator()).append("  ").append(error);
    }
    return text.toString();
  }
}
