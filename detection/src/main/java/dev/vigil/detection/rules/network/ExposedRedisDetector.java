package dev.vigil.detection.rules.network;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code K8S_ExposedRedis}: a LoadBalancer service for Redis (port 6379, or list {@code redisApps}
 * in the service's name, selector or labels).
 *
 * <p>Triage: Redis has no authentication by default and is a favourite of miner campaigns.
 */
public final class ExposedRedisDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_ExposedRedis";
  static final int REDIS_PORT = 6379;

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exposed Redis service detected",
          Severity.Low,
          List.of("InitialAccess"),
          List.of("T1133"),
          List.of(
              "Make the service ClusterIP, or restrict spec.loadBalancerSourceRanges.",
              "Make sure Redis requires a password (requirepass / ACLs)."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  private final List<String> names;

  public ExposedRedisDetector(List<String> names) {
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
    String app = service.matchedApp(names, false);
    if (app == null && !service.exposesPort(REDIS_PORT)) {
      return List.of();
    }
    return List.of(
        service.match(
            "as a LoadBalancer for Redis",
            "Redis is reachable from outside the cluster.",
            Map.of("serviceType", service.type, "ports", service.ports())));
  }
}
