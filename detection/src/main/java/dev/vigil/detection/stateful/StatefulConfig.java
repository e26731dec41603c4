package dev.vigil.detection.stateful;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the stateful detectors. Build it with {@link #defaults()} and the {@code with*}
 * methods; the constructor validates every value and names the setting that is wrong.
 *
 * @param baselineLearning how long a baseline subject (a service account, a principal, a cluster's
 *     {@code kube-system}) only learns before anything new about it raises an alert; counted in event
 *     time from the subject's first relevant event. {@code PT0S} alerts on the very first sighting
 *     (demos and tests)
 * @param baselineTtl a learned entry not seen again for this long (event time) is forgotten, so
 *     state stays bounded and a subject gone that long learns afresh
 * @param grace how late (event time, {@code stageTimestamp}) an event may arrive and still count in
 *     its window or sequence
 * @param punctuation wall-clock interval at which triggered windows are reported
 * @param forbiddenBurst {@code VIGIL_ForbiddenBurst}: requests answered 401/403 for one principal
 * @param secretReads {@code VIGIL_SecretEnumeration}: distinct secrets read by one principal
 * @param secretListNamespaces {@code VIGIL_SecretEnumeration}: namespaces whose secrets one
 *     principal listed
 * @param discoveryBurst {@code VIGIL_DiscoveryBurst}: distinct resource types listed by one principal
 * @param rbacThenWorkload {@code VIGIL_RbacThenWorkload}: how soon after an RBAC grant a workload
 *     create or exec by the same principal is reported
 * @param threatIntelFiles CIDR lists for {@code K8S_TI_Proxy} (one address or CIDR per line, IPv4
 *     or IPv6, {@code #} comments); empty switches the detector off. Files are re-read when they
 *     change
 * @param threatIntelRecheck how often the threat-intelligence files are checked for changes
 */
public record StatefulConfig(
    Duration baselineLearning,
    Duration baselineTtl,
    Duration grace,
    Duration punctuation,
    Threshold forbiddenBurst,
    Threshold secretReads,
    Threshold secretListNamespaces,
    Threshold discoveryBurst,
    Duration rbacThenWorkload,
    List<Path> threatIntelFiles,
    Duration threatIntelRecheck) {

  /**
   * At least {@code count} (distinct) things within {@code window} of event time.
   *
   * @param count how many, at least 1
   * @param window how close together, positive
   */
  public record Threshold(int count, Duration window) {
    public Threshold {
      Objects.requireNonNull(window, "window");
      if (count < 1) {
        throw new IllegalArgumentException("threshold count " + count + " must be at least 1");
      }
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("threshold window " + window + " must be positive");
      }
    }

    public static Threshold of(int count, Duration window) {
      return new Threshold(count, window);
    }
  }

  public StatefulConfig {
    requireNotNegative("baselineLearning", baselineLearning);
    requirePositive("baselineTtl", baselineTtl);
    requireNotNegative("grace", grace);
    requirePositive("punctuation", punctuation);
    Objects.requireNonNull(forbiddenBurst, "forbiddenBurst");
    Objects.requireNonNull(secretReads, "secretReads");
    Objects.requireNonNull(secretListNamespaces, "secretListNamespaces");
    Objects.requireNonNull(discoveryBurst, "discoveryBurst");
    requirePositive("rbacThenWorkload", rbacThenWorkload);
    threatIntelFiles = List.copyOf(threatIntelFiles);
    requirePositive("threatIntelRecheck", threatIntelRecheck);
    if (baselineTtl.compareTo(baselineLearning) < 0) {
      throw new IllegalArgumentException(
          "baseline TTL " + baselineTtl + " is shorter than the learning period " + baselineLearning
              + ": entries would be forgotten before learning ends; use a TTL of at least the learning period");
    }
  }

  /**
   * Learning 7 days, TTL 30 days, grace 30 s, reports every second; 10 forbidden requests in a
   * minute; 10 distinct secrets read or secrets listed in 5 namespaces in a minute; 15 resource
   * types listed in a minute; RBAC grant then workload within 5 minutes; no threat intelligence.
   */
  public static StatefulConfig defaults() {
    return new StatefulConfig(
        Duration.ofDays(7),
        Duration.ofDays(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Threshold.of(10, Duration.ofMinutes(1)),
        Threshold.of(10, Duration.ofMinutes(1)),
        Threshold.of(5, Duration.ofMinutes(1)),
        Threshold.of(15, Duration.ofMinutes(1)),
        Duration.ofMinutes(5),
        List.of(),
        Duration.ofSeconds(10));
  }

  /** Both baseline settings at once, so the check that the TTL covers the learning sees both. */
  public StatefulConfig withBaseline(Duration learning, Duration ttl) {
    return new StatefulConfig(learning, ttl, grace, punctuation, forbiddenBurst, secretReads,
        secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withBaselineLearning(Duration value) {
    return new StatefulConfig(value, baselineTtl, grace, punctuation, forbiddenBurst, secretReads,
        secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withBaselineTtl(Duration value) {
    return new StatefulConfig(baselineLearning, value, grace, punctuation, forbiddenBurst, secretReads,
        secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withGrace(Duration value) {
    return new StatefulConfig(baselineLearning, baselineTtl, value, punctuation, forbiddenBurst,
        secretReads, secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles,
        threatIntelRecheck);
  }

  public StatefulConfig withForbiddenBurst(Threshold value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, value, secretReads,
        secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withSecretReads(Threshold value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst, value,
        secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withSecretListNamespaces(Threshold value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst,
        secretReads, value, discoveryBurst, rbacThenWorkload, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withDiscoveryBurst(Threshold value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst,
        secretReads, secretListNamespaces, value, rbacThenWorkload, threatIntelFiles,
        threatIntelRecheck);
  }

  public StatefulConfig withRbacThenWorkload(Duration value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst,
        secretReads, secretListNamespaces, discoveryBurst, value, threatIntelFiles, threatIntelRecheck);
  }

  public StatefulConfig withThreatIntelFiles(List<Path> files) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst,
        secretReads, secretListNamespaces, discoveryBurst, rbacThenWorkload, files, threatIntelRecheck);
  }

  public StatefulConfig withThreatIntelRecheck(Duration value) {
    return new StatefulConfig(baselineLearning, baselineTtl, grace, punctuation, forbiddenBurst,
        secretReads, secretListNamespaces, discoveryBurst, rbacThenWorkload, threatIntelFiles, value);
  }

  private static void requireNotNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " " + value + " must not be negative");
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " " + value + " must be positive");
    }
  }
}
