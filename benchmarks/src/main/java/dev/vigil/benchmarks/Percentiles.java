package dev.vigil.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** p50, p99 and max in milliseconds, nearest rank; NaN when there was no sample. */
record Percentiles(double p50, double p99, double max, long samples) {

  static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN, 0);

  static Percentiles of(List<Long> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return new Percentiles(
        at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size());
  }

  private static double at(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
