package dev.vigil.detection.rules.stateful;

import dev.vigil.detection.kube.Principals;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.stateful.StatefulConfig.Threshold;
import dev.vigil.detection.stateful.WindowRule;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/** The built-in window rules. */
final class WindowRules {

  static final String FORBIDDEN_BURST = "VIGIL_ForbiddenBurst";
  static final String SECRET_ENUMERATION = "VIGIL_SecretEnumeration";
  static final String DISCOVERY_BURST = "VIGIL_DiscoveryBurst";

  private WindowRules() {}

  /** A window rule's thresholds, fixed when it is built. */
  abstract static class Fixed extends NamedRule implements WindowRule {
    private final Map<String, Threshold> thresholds;

    Fixed(DetectorInfo info, String name, Map<String, Threshold> thresholds) {
      super(info, name);
      this.thresholds = thresholds;
    }

    @Override
    public final Map<String, Threshold> thresholds() {
      return thresholds;
    }
  }

  static String duration(Threshold threshold) {
    return threshold.window().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code VIGIL_ForbiddenBurst}: requests answered 401 or 403 for one principal. */
  static final class ForbiddenBurst extends Fixed {
    static final String REQUESTS = "requests";
    private static final DetectorInfo INFO =
        new DetectorInfo(
            FORBIDDEN_BURST,
            "Burst of forbidden requests",
            Severity.Medium,
            List.of("Discovery", "CredentialAccess"),
            List.of("T1613", "T1110"),
            List.of(
                "Find out who or what uses this identity and why so many requests were refused.",
                "If the caller is not a known, misconfigured workload, treat its credential as stolen:"
                    + " revoke the token or certificate and review what it could do.",
                "Review the refused requests (auditIds) for the resources the caller probed."));


    ForbiddenBurst(Threshold threshold) {
      super(INFO, "forbidden-burst", Map.of(REQUESTS, threshold));
    }


    @Override
    public Observation observe(AuditEvent event) {
      int code = event.responseCode();
      if (code != 401 && code != 403) {
        return null;
      }
      String target = event.resourcePath();
      if (target == null) {
        String uri = event.requestURI();
        int query = uri == null ? -1 : uri.indexOf('?');
        target = query < 0 ? uri : uri.substring(0, query);
      }
      // Each request counts (value = auditID); the label says what was refused.
      return new Observation(REQUESTS, event.auditID(), event.verb() + " " + target + " (" + code + ")");
    }

    @Override
    public String describe(
        String user, String cluster, String dimension, int distinct, Threshold threshold) {
      return "The API server of cluster " + cluster + " refused " + distinct + " requests (401/403) by "
          + user + " within " + duration(threshold) + " (threshold " + threshold.count()
          + "): someone may be probing with a stolen or under-privileged credential.";
    }
  }

  /** {@code VIGIL_SecretEnumeration}: many distinct secrets read, or secrets listed in many namespaces. */
  static final class SecretEnumeration extends Fixed {
    static final String SECRETS = "secrets";
    static final String NAMESPACES = "namespaces";
    private static final DetectorInfo INFO =
        new DetectorInfo(
            SECRET_ENUMERATION,
            "Secret enumeration",
            Severity.High,
            List.of("CredentialAccess"),
            List.of("T1552.007"),
            List.of(
                "Confirm whether this principal is expected to read these secrets (a backup or sync tool).",
                "If not, revoke its credential and rotate every secret it read (see distinctValues).",
                "Narrow its RBAC permissions on secrets."));


    SecretEnumeration(Threshold reads, Threshold listNamespaces) {
      super(INFO, "secret-enumeration", Map.of(SECRETS, reads, NAMESPACES, listNamespaces));
    }


    @Override
    public Observation observe(AuditEvent event) {
      if (!"secrets".equals(event.resource()) || !Principals.succeeded(event)
          || Principals.isControlPlane(event.username())) {
        return null;
      }
      String subresource = event.subresource();
      if (subresource != null && !subresource.isEmpty()) {
        return null;
      }
      String namespace = Requests.namespace(event);
      if ("get".equals(event.verb()) && event.objectName() != null) {
        String secret = (namespace == null ? "" : namespace + "/") + event.objectName();
        return new Observation(SECRETS, secret, secret);
      }
      if ("list".equals(event.verb())) {
        String where = namespace == null ? "(all namespaces)" : namespace;
        return new Observation(NAMESPACES, where, where);
      }
      return null;
    }

    @Override
    public String describe(
        String user, String cluster, String dimension, int distinct, Threshold threshold) {
      String what = SECRETS.equals(dimension)
          ? "read " + distinct + " distinct secrets"
          : "listed secrets in " + distinct + " namespaces";
      return user + " " + what + " in cluster " + cluster + " within " + duration(threshold)
          + " (threshold " + threshold.count() + "): a sign of credential harvesting.";
    }
  }

  /** {@code VIGIL_DiscoveryBurst}: many distinct resource types listed by one principal. */
  static final class DiscoveryBurst extends Fixed {
    static final String RESOURCE_TYPES = "resourceTypes";
    private static final DetectorInfo INFO =
        new DetectorInfo(
            DISCOVERY_BURST,
            "Burst of discovery requests",
            Severity.Low,
            List.of("Discovery"),
            List.of("T1613"),
            List.of(
                "Check whether this principal is a person or tool expected to survey the cluster.",
                "If not, look for what it did next (alerts of the same user) and consider revoking its"
                    + " credential."));


    DiscoveryBurst(Threshold threshold) {
      super(INFO, "discovery-burst", Map.of(RESOURCE_TYPES, threshold));
    }


    @Override
    public Observation observe(AuditEvent event) {
      if (!"list".equals(event.verb()) || event.resource() == null || !Principals.succeeded(event)) {
        return null;
      }
      String user = event.username();
      // Controllers list every type they watch when they start; they are not reconnaissance.
      if (Principals.isControlPlane(user)
          || "kube-system".equals(Principals.serviceAccountNamespace(user))) {
        return null;
      }
      String group = event.objectRef().apiGroup();
      String type = group == null || group.isEmpty()
          ? event.resourcePath()
          : event.resourcePath() + "." + group;
      return new Observation(RESOURCE_TYPES, type, type);
    }

    @Override
    public String describe(
        String user, String cluster, String dimension, int distinct, Threshold threshold) {
      return user + " listed " + distinct + " different resource types in cluster " + cluster
          + " within " + duration(threshold) + " (threshold " + threshold.count()
          + "): reconnaissance of the cluster.";
    }
  }
}
