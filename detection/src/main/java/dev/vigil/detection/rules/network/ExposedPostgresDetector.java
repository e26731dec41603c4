package dev.vigil.detection.rules.network;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code K8S_ExposedPostgresBroadIPRange}: a LoadBalancer service for PostgreSQL (port 5432, or
 * list {@code postgresApps} in the service's name, selector or labels) open to a broad source
 * range: no {@code loadBalancerSourceRanges} at all, or one with a prefix of /{@value
 * #BROADEST_PREFIX} or shorter ({@code 0.0.0.0/0}, {@code 10.0.0.0/8}).
 *
 * <p>Triage: an internet-facing database is brute-forced within hours. Narrow the range or take it
 * off the load balancer, then check the database's login log.
 */
public final class ExposedPostgresDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_ExposedPostgresBroadIPRange";
  static final int POSTGRES_PORT = 5432;
  /** Ranges with a prefix this short or shorter are broad (IPv4 /8, IPv6 /8). */
  static final int BROADEST_PREFIX = 8;

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exposed Postgres service with a broad IP range detected",
          Severity.High,
          List.of("InitialAccess"),
          List.of("T1133", "T1190"),
          List.of(
              "Restrict spec.loadBalancerSourceRanges to the clients that need the database, or"
                  + " make the service ClusterIP.",
              "Check the database's authentication settings and login log."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  private final List<String> names;

  public ExposedPostgresDetector(List<String> names) {
    this.names = List.copyOf(names);
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  public Interest interest() {
    return INTEREST;
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    Services service = Services.written(event);
    if (service == null || !service.isLoadBalancer()) {
      return List.of();
    }
    if (service.matchedApp(names, false) == null && !service.exposesPort(POSTGRES_PORT)) {
      return List.of();
    }
    List<String> ranges = service.sourceRanges();
    List<String> broad = new ArrayList<>();
    for (String range : ranges) {
      if (isBroad(range)) {
        broad.add(range);
      }
    }
    if (!ranges.isEmpty() && broad.isEmpty()) {
      return List.of();
    }
    String open = ranges.isEmpty() ? "any address (no source ranges)" : String.join(", ", broad);
    return List.of(
        service.match(
            "as a LoadBalancer for Postgres open to " + open,
            "The database is reachable from a broad range of addresses.",
            Map.of(
                "serviceType", service.type,
                "ports", service.ports(),
                "sourceRanges", ranges.isEmpty() ? "(none)" : String.join(",", ranges))));
  }

  /** A CIDR with a prefix length of {@link #BROADEST_PREFIX} or less; unparseable ranges are not. */
  static boolean isBroad(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return false;
    }
    try {
      return Integer.parseInt(cidr.substring(slash + 1).strip()) <= BROADEST_PREFIX;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
