package dev.vigil.detection.rules.stateful;

import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.detection.stateful.ThreatIntelRule;
import java.util.ArrayList;
import java.util.List;

/** The built-in stateful rules, for the detector catalogue. */
public final class StatefulRules {

  private StatefulRules() {}

  /**
   * Every built-in stateful rule tuned by {@code config}, in topology order: the windows, the
   * sequence, the baselines, and the threat-intelligence rule when lists are configured.
   */
  public static List<StatefulRule> builtIn(StatefulConfig config) {
    List<StatefulRule> rules = new ArrayList<>();
    rules.add(new WindowRules.ForbiddenBurst(config.forbiddenBurst()));
    rules.add(new WindowRules.SecretEnumeration(config.secretReads(), config.secretListNamespaces()));
    rules.add(new WindowRules.DiscoveryBurst(config.discoveryBurst()));
    rules.add(new RbacThenWorkloadRule(config.rbacThenWorkload()));
    rules.add(new BaselineRules.ServiceAccountRareOperation());
    rules.add(new BaselineRules.AnomalousSecretAccess());
    rules.add(new BaselineRules.KubeSystemContainer());
    if (!config.threatIntelFiles().isEmpty()) {
      rules.add(new ThreatIntelRule(config.threatIntelFiles(), config.threatIntelRecheck()));
    }
    return List.copyOf(rules);
  }
}
