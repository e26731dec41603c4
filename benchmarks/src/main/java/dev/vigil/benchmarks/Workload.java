package dev.vigil.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The named workloads of the load generator ({@code --workload}); see {@code benchmarks/README.md}. */
enum Workload {
  /** {@code get}/{@code list}/{@code watch} of 8 kinds in 5 namespaces by 300 principals, ~1% corpus. */
  ORDINARY("ordinary"),
  /** Every event from the Falco corpus (nearly all alert), its human users spread over 50 principals. */
  STORM("storm"),
  /** One cluster floods; a second, quiet cluster sends a test-alert request every few seconds. */
  NOISY_NEIGHBOUR("noisy-neighbour"),
  /** The ordinary mix, but every event from a principal never seen before. */
  CHURN("churn");

  final String label;

  Workload(String label) {
    this.label = label;
  }

  static Workload parse(String label) {
    for (Workload w : values()) {
      if (w.label.equals(label.toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    throw new IllegalArgumentException("--workload must be one of "
        + Arrays.stream(values()).map(w -> w.label).collect(Collectors.joining(", ")) + ": " + label);
  }
}
