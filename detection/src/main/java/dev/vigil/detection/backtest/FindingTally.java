package dev.vigil.detection.backtest;

import dev.vigil.schemas.Finding;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Findings counted per alert type: how many, and how many alerts (distinct fingerprints) they make. */
public final class FindingTally {

  /** The counts of one alert type. */
  public record Counts(long findings, long alerts) {
    public static final Counts NONE = new Counts(0, 0);
  }

  private final Map<String, long[]> findings = new TreeMap<>();
  private final Map<String, Set<String>> fingerprints = new TreeMap<>();

  public void add(Finding finding) {
    findings.computeIfAbsent(finding.alertType(), t -> new long[1])[0]++;
    fingerprints.computeIfAbsent(finding.alertType(), t -> new HashSet<>()).add(finding.fingerprint());
  }

  public Counts counts(String alertType) {
    long[] n = findings.get(alertType);
    return n == null ? Counts.NONE : new Counts(n[0], fingerprints.get(alertType).size());
  }

  /** The alert types counted, sorted. */
  public Set<String> alertTypes() {
    return findings.keySet();
  }
}
