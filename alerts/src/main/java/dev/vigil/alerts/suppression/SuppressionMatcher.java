package dev.vigil.alerts.suppression;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.SuppressionRule;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** Whether a suppression rule matches an alert: plain Java, no Kafka types. */
public final class SuppressionMatcher {

  private SuppressionMatcher() {}

  /**
   * True when {@code rule} is of the alert's workspace, has not expired at {@code now}, and every
   * field it sets equals the alert's: the type, the cluster, and for each {@code entity} entry an
   * entity of that type (case-insensitive) and exactly that name among the alert's entities.
   */
  public static boolean matches(SuppressionRule rule, Alert alert, Instant now) {
    if (rule == null || alert == null || !rule.workspace().equals(alert.workspace()) || rule.expiredAt(now)) {
      return false;
    }
    if (rule.alertType() != null && !rule.alertType().equals(alert.alertType())) {
      return false;
    }
    if (rule.cluster() != null && !rule.cluster().equals(alert.cluster())) {
      return false;
    }
    for (Map.Entry<String, String> wanted : rule.entity().entrySet()) {
      if (!names(alert, wanted.getKey(), wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The matching rule of lowest id (so every instance picks the same one), if any. */
  public static Optional<SuppressionRule> firstMatch(Iterable<SuppressionRule> rules, Alert alert, Instant now) {
    return StreamSupport.stream(rules.spliterator(), false)
        .filter(rule -> matches(rule, alert, now))
        .min(Comparator.comparing(SuppressionRule::id));
  }

  private static boolean names(Alert alert, String type, String name) {
    String wantedType = type.toLowerCase(Locale.ROOT);
    for (Entity e : alert.entities()) {
      if (e != null && e.type() != null && wantedType.equals(e.type().toLowerCase(Locale.ROOT))
          && name.equals(e.name())) {
        return true;
      }
    }
    return false;
  }
}
