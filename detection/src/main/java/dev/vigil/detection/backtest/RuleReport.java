package dev.vigil.detection.backtest;

import dev.vigil.detection.backtest.FindingTally.Counts;

/**
 * What one rule would have raised in the backtest, beside what the live rules raised in the same
 * window.
 *
 * @param alertType the rule's alert type
 * @param shadow whether the rule runs in shadow mode (live, it raises no alerts)
 * @param candidate whether the backtest ran the rule (false: only the live findings name it, for
 *     example a rule removed from the candidate rules)
 * @param backtest findings and distinct alerts in the backtest
 * @param live findings and distinct alerts read from {@code vigil.findings.v1}
 */
public record RuleReport(
    String alertType, boolean shadow, boolean candidate, Counts backtest, Counts live) {

  /** Backtest findings minus live findings: positive when the candidate would raise more. */
  public long difference() {
    return backtest.findings() - live.findings();
  }
}
