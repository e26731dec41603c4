package dev.vigil.alerts.incidents;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The MITRE ATT&amp;CK enterprise tactics in kill-chain order, by the names alerts carry. */
public final class KillChain {

  /** Tactic names as alerts carry them, in the order of the ATT&amp;CK enterprise matrix. */
  public static final List<String> TACTICS =
      List.of(
          "Reconnaissance",
          "ResourceDevelopment",
          "InitialAccess",
          "Execution",
          "Persistence",
          "PrivilegeEscalation",
          "DefenseEvasion",
          "CredentialAccess",
          "Discovery",
          "LateralMovement",
          "Collection",
          "CommandAndControl",
          "Exfiltration",
          "Impact");

  /** Kill-chain order; names outside the matrix come after it, alphabetically. */
  public static final Comparator<String> ORDER =
      Comparator.<String>comparingInt(t -> TACTICS.contains(t) ? TACTICS.indexOf(t) : TACTICS.size())
          .thenComparing(Comparator.naturalOrder());

  private KillChain() {}

  /** The distinct names of {@code tactics} in kill-chain order. */
  public static List<String> ordered(Collection<String> tactics) {
    return tactics.stream().distinct().sorted(ORDER).toList();
  }
}
