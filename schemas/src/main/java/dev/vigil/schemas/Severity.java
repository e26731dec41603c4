package dev.vigil.schemas;

/** Alert severity, as in the seed product, ordered from least to most severe. */
public enum Severity {
  Informational,
  Low,
  Medium,
  High;

  /** True when this severity is at least {@code minimum}. */
  public boolean atLeast(Severity minimum) {
    return compareTo(minimum) >= 0;
  }
}
