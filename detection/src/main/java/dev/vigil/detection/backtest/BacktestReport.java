package dev.vigil.detection.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The outcome of a backtest: the records replayed and, per rule, what it would have raised against
 * what the live rules raised.
 *
 * @param records raw records replayed (warm-up included)
 * @param rules one entry per alert type the backtest ran or the live findings name, sorted
 */
public record BacktestReport(long records, List<RuleReport> rules) {

  /** The report of {@code backtest} (the rules run, and their shadow flags) against {@code live}. */
  static BacktestReport of(long records, Map<String, Boolean> ran, FindingTally backtest,
      FindingTally live) {
    TreeSet<String> types = new TreeSet<>(ran.keySet());
    types.addAll(backtest.alertTypes());
    types.addAll(live.alertTypes());
    List<RuleReport> rules = new ArrayList<>();
    for (String type : types) {
      rules.add(new RuleReport(type, ran.getOrDefault(type, false), ran.containsKey(type),
          backtest.counts(type), live.counts(type)));
    }
    return new BacktestReport(records, List.copyOf(rules));
  }

  /** The entry of {@code alertType}, or null. */
  public RuleReport rule(String alertType) {
    for (RuleReport rule : rules) {
      if (rule.alertType().equals(alertType)) {
        return rule;
      }
    }
    return null;
  }
}
