package dev.vigil.schemas;

/**
 * Severity of an incident, ordered from least to most severe. It extends the alert scale by {@link
 * #Critical} because an incident that spans several ATT&amp;CK tactics ranks above its most severe
 * alert, and that alert may already be {@code High}.
 */
public enum IncidentSeverity {
  Informational,
  Low,
  Medium,
  High,
  Critical;

  /** The incident severity equal to an alert's {@code severity}. */
  public static IncidentSeverity of(Severity severity) {
    return severity == null ? Informational : values()[severity.ordinal()];
  }

  /** This severity raised by {@code steps}, at most {@link #Critical}. */
  public IncidentSeverity raisedBy(int steps) {
    return values()[Math.min(values().length - 1, ordinal() + Math.max(0, steps))];
  }
}
