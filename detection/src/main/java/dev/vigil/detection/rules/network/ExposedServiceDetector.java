package dev.vigil.detection.rules.network;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Service written so that an application is reachable from outside the cluster: a family of alert
 * types that differ only in data ({@link Exposure}): which service types expose, how the application
 * is recognised (one of its names in the service's name, selector, labels and perhaps namespace, or
 * its port), what the alert says, and for Postgres that the load balancer admits a broad source
 * range. A patch counts where its body carries the fields ({@code kubectl patch svc x -p
 * '{"spec":{"type":"LoadBalancer"}}'}).
 *
 * <p>Evidence: {@code serviceType} and {@code ports}; {@code app} when the application is recognised
 * by its names only; {@code sourceRanges} for Postgres.
 */
public final class ExposedServiceDetector extends AbstractDetector {

  /** Ranges with a prefix this short or shorter are broad (IPv4 /8, IPv6 /8). */
  static final int BROADEST_PREFIX = 8;

  private static final int NO_PORT = -1;
  private static final Set<String> LOAD_BALANCER = Set.of(Services.LOAD_BALANCER);
  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  /**
   * The members of the family, one alert type each. Their {@code what} follows "User U created
   * Service ns/name " and may name the service type ({@code %1$s}), the application found ({@code
   * %2$s}), the ports ({@code %3$s}) and the open source ranges ({@code %4$s}).
   */
  public enum Exposure {
    /**
     * {@code K8S_ExposedDashboard}: the Kubernetes dashboard (list {@code dashboardApps}, matched in
     * the service's name, selector, labels or namespace) written as a LoadBalancer or NodePort
     * service.
     *
     * <p>Triage: an exposed dashboard was the entry point of the Tesla cluster compromise. Take it
     * off the load balancer at once and check its service account's permissions.
     */
    DASHBOARD(
        new DetectorInfo(
            "K8S_ExposedDashboard",
            "Exposed Kubernetes dashboard detected",
            Severity.High,
            List.of("InitialAccess"),
            List.of("T1133"),
            List.of(
                "Change the service to ClusterIP and reach the dashboard through kubectl proxy or an"
                    + " authenticating proxy.",
                "Check the dashboard's service-account permissions and its access logs.")),
        Set.of(Services.LOAD_BALANCER, Services.NODE_PORT),
        Recognised.BY_NAME_OR_NAMESPACE,
        NO_PORT,
        "as type %1$s for the Kubernetes dashboard",
        "The dashboard is reachable from outside the cluster."),
    /**
     * {@code K8S_ExposedKubeflow}: Kubeflow's dashboard or pipelines UI (list {@code kubeflowApps},
     * matched in the service's name, selector, labels or namespace, which covers the Istio ingress of
     * a {@code kubeflow} namespace) written as a LoadBalancer service.
     *
     * <p>Triage: Kubeflow runs arbitrary notebooks and pipelines; attackers deploy miners through
     * exposed Kubeflow dashboards.
     */
    KUBEFLOW(
        new DetectorInfo(
            "K8S_ExposedKubeflow",
            "Exposed Kubeflow dashboard detected",
            Severity.Medium,
            List.of("InitialAccess"),
            List.of("T1133"),
            List.of(
                "Put the Kubeflow dashboard behind authentication, or make the service ClusterIP.",
                "Look for unknown notebooks and pipelines.")),
        LOAD_BALANCER,
        Recognised.BY_NAME_OR_NAMESPACE,
        NO_PORT,
        "as a LoadBalancer for Kubeflow (%2$s)",
        "Kubeflow's UI runs code for whoever reaches it."),
    /**
     * {@code K8S_ExposedService}: a LoadBalancer service for a sensitive application (list {@code
     * sensitiveApps}: Jenkins, Kibana, Elasticsearch, Grafana, databases, Vault, ..., matched in the
     * service's name, selector or labels).
     *
     * <p>Triage: these applications hold credentials or data and are attacked as soon as they are
     * reachable. Was the exposure intended, and is authentication on?
     */
    SENSITIVE_APP(
        new DetectorInfo(
            "K8S_ExposedService",
            "Exposed sensitive application detected",
            Severity.Medium,
            List.of("InitialAccess"),
            List.of("T1133"),
            List.of(
                "Check that the exposure is intended and that the application requires"
                    + " authentication.",
                "Restrict spec.loadBalancerSourceRanges, or use ClusterIP behind an authenticating"
                    + " ingress.")),
        LOAD_BALANCER,
        Recognised.BY_NAME,
        NO_PORT,
        "as a LoadBalancer for %2$s",
        "A sensitive application is reachable from outside the cluster."),
    /**
     * {@code K8S_ExposedRedis}: a LoadBalancer service for Redis (port 6379, or list {@code
     * redisApps} in the service's name, selector or labels).
     *
     * <p>Triage: Redis has no authentication by default and is a favourite of miner campaigns.
     */
    REDIS(
        new DetectorInfo(
            "K8S_ExposedRedis",
            "Exposed Redis service detected",
            Severity.Low,
            List.of("InitialAccess"),
            List.of("T1133"),
            List.of(
                "Make the service ClusterIP, or restrict spec.loadBalancerSourceRanges.",
                "Make sure Redis requires a password (requirepass / ACLs).")),
        LOAD_BALANCER,
        Recognised.BY_NAME_OR_PORT,
        6379,
        "as a LoadBalancer for Redis",
        "Redis is reachable from outside the cluster."),
    /**
     * {@code K8S_ExposedPostgresBroadIPRange}: a LoadBalancer service for PostgreSQL (port 5432, or
     * list {@code postgresApps} in the service's name, selector or labels) open to a broad source
     * range: no {@code loadBalancerSourceRanges} at all, or one with a prefix of /{@value
     * #BROADEST_PREFIX} or shorter ({@code 0.0.0.0/0}, {@code 10.0.0.0/8}).
     *
     * <p>Triage: an internet-facing database is brute-forced within hours. Narrow the range or take
     * it off the load balancer, then check the database's login log.
     */
    POSTGRES(
        new DetectorInfo(
            "K8S_ExposedPostgresBroadIPRange",
            "Exposed Postgres service with a broad IP range detected",
            Severity.High,
            List.of("InitialAccess"),
            List.of("T1133", "T1190"),
            List.of(
                "Restrict spec.loadBalancerSourceRanges to the clients that need the database, or"
                    + " make the service ClusterIP.",
                "Check the database's authentication settings and login log.")),
        LOAD_BALANCER,
        Recognised.BY_NAME_OR_PORT_WITH_BROAD_RANGE,
        5432,
        "as a LoadBalancer for Postgres open to %4$s",
        "The database is reachable from a broad range of addresses."),
    /**
     * {@code VIGIL_NodePortService}: a service written with type NodePort (Falco "Create NodePort
     * Service").
     *
     * <p>Triage: a NodePort opens the port on every node's address, usually outside the ingress and
     * firewall design. Was a LoadBalancer or Ingress meant?
     */
    NODE_PORT(
        new DetectorInfo(
            "VIGIL_NodePortService",
            "NodePort service created",
            Severity.Low,
            List.of("InitialAccess"),
            List.of("T1133"),
            List.of(
                "Check that the port should be open on every node, and that node firewalls restrict"
                    + " it.")),
        Set.of(Services.NODE_PORT),
        Recognised.ANY_SERVICE,
        NO_PORT,
        "as type NodePort (ports %3$s)",
        "Its ports are open on every node of the cluster.");

    private final DetectorInfo info;
    private final Set<String> serviceTypes;
    private final Recognised recognised;
    private final int port;
    private final String what;
    private final String why;

    Exposure(
        DetectorInfo info,
        Set<String> serviceTypes,
        Recognised recognised,
        int port,
        String what,
        String why) {
      this.info = info;
      this.serviceTypes = serviceTypes;
      this.recognised = recognised;
      this.port = port;
      this.what = what;
      this.why = why;
    }

    public String alertType() {
      return info.alertType();
    }
  }

  /** How a member recognises the exposed application. */
  enum Recognised {
    /** Every service of the exposing types. */
    ANY_SERVICE,
    /** One of the application's names in the service's name, selector or labels. */
    BY_NAME,
    /** As {@link #BY_NAME}, or the service's namespace. */
    BY_NAME_OR_NAMESPACE,
    /** One of its names, or its port ({@code port} or numeric {@code targetPort}). */
    BY_NAME_OR_PORT,
    /** As {@link #BY_NAME_OR_PORT}, behind a load balancer with no or a broad source range. */
    BY_NAME_OR_PORT_WITH_BROAD_RANGE
  }

  private final Exposure exposure;
  private final List<String> names;

  /**
   * @param names the names the application is known by (its list in the detection configuration;
   *     empty for {@link Exposure#NODE_PORT}, which needs none)
   */
  public ExposedServiceDetector(Exposure exposure, List<String> names) {
    super(exposure.info, INTEREST);
    this.exposure = exposure;
    this.names = List.copyOf(names);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    Services service = Services.written(event);
    if (service == null || !exposure.serviceTypes.contains(service.type)) {
      return List.of();
    }
    Map<String, String> evidence = new HashMap<>();
    evidence.put("serviceType", service.type);
    evidence.put("ports", service.ports());
    String app = null;
    String open = null;
    switch (exposure.recognised) {
      case ANY_SERVICE -> { }
      case BY_NAME, BY_NAME_OR_NAMESPACE -> {
        app = service.matchedApp(names, exposure.recognised == Recognised.BY_NAME_OR_NAMESPACE);
        if (app == null) {
          return List.of();
        }
        evidence.put("app", app);
      }
      case BY_NAME_OR_PORT, BY_NAME_OR_PORT_WITH_BROAD_RANGE -> {
        if (service.matchedApp(names, false) == null && !service.exposesPort(exposure.port)) {
          return List.of();
        }
        if (exposure.recognised == Recognised.BY_NAME_OR_PORT_WITH_BROAD_RANGE) {
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
          open = ranges.isEmpty() ? "any address (no source ranges)" : String.join(", ", broad);
          evidence.put("sourceRanges", ranges.isEmpty() ? "(none)" : String.join(",", ranges));
        }
      }
    }
    String what =
        String.format(Locale.ROOT, exposure.what, service.type, app, service.ports(), open);
    return List.of(service.match(what, exposure.why, evidence));
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
