package dev.vigil.detection.catalogue;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.config.ListName;
import dev.vigil.detection.rules.access.AnonymousRequestAllowedDetector;
import dev.vigil.detection.rules.access.DisallowedUserDetector;
import dev.vigil.detection.rules.access.ExecIntoPodDetector;
import dev.vigil.detection.rules.access.ExecSuspiciousCommandDetector;
import dev.vigil.detection.rules.access.ImpersonationPrivilegedDetector;
import dev.vigil.detection.rules.access.NodeProxyAccessDetector;
import dev.vigil.detection.rules.access.PermissionsDiscoveryBySaDetector;
import dev.vigil.detection.rules.access.PortForwardDetector;
import dev.vigil.detection.rules.access.SensitiveRequestRefusedDetector;
import dev.vigil.detection.rules.access.SystemPrincipalFromPublicAddressDetector;
import dev.vigil.detection.rules.access.TestAlertDetector;
import dev.vigil.detection.rules.controlplane.AdmissionControllerDetector;
import dev.vigil.detection.rules.controlplane.ConfigMapChangeDetector;
import dev.vigil.detection.rules.controlplane.ConfigMapChangeDetector.Watched;
import dev.vigil.detection.rules.controlplane.DeleteEventsDetector;
import dev.vigil.detection.rules.controlplane.DisallowedNamespaceDetector;
import dev.vigil.detection.rules.controlplane.ResourceActivityDetector;
import dev.vigil.detection.rules.network.ExposedServiceDetector;
import dev.vigil.detection.rules.network.ExposedServiceDetector.Exposure;
import dev.vigil.detection.rules.network.IngressWithoutTlsDetector;
import dev.vigil.detection.rules.rbac.ClientCertificateRequestedDetector;
import dev.vigil.detection.rules.rbac.ClusterAdminBindingDetector;
import dev.vigil.detection.rules.rbac.CsrApprovedByUserDetector;
import dev.vigil.detection.rules.rbac.RoleRuleDetector;
import dev.vigil.detection.rules.rbac.RoleRuleDetector.Grant;
import dev.vigil.detection.rules.rbac.ServiceAccountInKubeNamespaceDetector;
import dev.vigil.detection.rules.rbac.ServiceAccountTokenCreatedDetector;
import dev.vigil.detection.rules.rbac.SystemRoleModifiedDetector;
import dev.vigil.detection.rules.secrets.ClusterConnectSecretAccessDetector;
import dev.vigil.detection.rules.secrets.ConfigMapCredentialsDetector;
import dev.vigil.detection.rules.secrets.SecretAccessBySuspiciousClientDetector;
import dev.vigil.detection.rules.secrets.SecretModifiedOrDeletedDetector;
import dev.vigil.detection.rules.stateful.StatefulRules;
import dev.vigil.detection.rules.workloads.CronJobModifiedDetector;
import dev.vigil.detection.rules.workloads.DangerousCapabilitiesDetector;
import dev.vigil.detection.rules.workloads.DisallowedImageDetector;
import dev.vigil.detection.rules.workloads.EphemeralContainerDetector;
import dev.vigil.detection.rules.workloads.HostNamespacePodDetector;
import dev.vigil.detection.rules.workloads.MaliciousContainerImageDetector;
import dev.vigil.detection.rules.workloads.PenTestToolsDetector;
import dev.vigil.detection.rules.workloads.PodInKubeNamespaceDetector;
import dev.vigil.detection.rules.workloads.PrivilegedContainerDetector;
import dev.vigil.detection.rules.workloads.SensitiveMountDetector;
import dev.vigil.detection.rules.workloads.SidecarInjectionDetector;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.stateful.StatefulRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of one detection topology, keyed by alert type: the single-event detectors with their
 * (verb, resource) index, and the stateful rules. An alert type is raised by one rule only.
 */
public final class DetectorCatalogue {

  private final Map<String, Detector> byType;
  private final List<Detector> detectors;
  private final List<StatefulRule> statefulRules;
  private final DetectorIndex index;

  private DetectorCatalogue(List<Detector> detectors, List<StatefulRule> statefulRules) {
    Map<String, Detector> map = new LinkedHashMap<>();
    for (Detector detector : detectors) {
      String type = detector.info().alertType();
      if (map.putIfAbsent(type, detector) != null) {
        throw new IllegalArgumentException("two detectors raise alert type " + type);
      }
    }
    Set<String> statefulTypes = new HashSet<>();
    for (StatefulRule rule : statefulRules) {
      String type = rule.info().alertType();
      if (map.containsKey(type) || !statefulTypes.add(type)) {
        throw new IllegalArgumentException("two detectors raise alert type " + type);
      }
    }
    this.byType = Collections.unmodifiableMap(map);
    this.detectors = List.copyOf(detectors);
    this.statefulRules = List.copyOf(statefulRules);
    this.index = new DetectorIndex(this.detectors);
  }

  /** A catalogue of exactly these single-event detectors; alert types must be unique. */
  public static DetectorCatalogue of(List<? extends Detector> detectors) {
    return new DetectorCatalogue(List.copyOf(detectors), List.of());
  }

  /** A catalogue of exactly these detectors and stateful rules; alert types must be unique. */
  static DetectorCatalogue of(
      List<? extends Detector> detectors, List<? extends StatefulRule> statefulRules) {
    return new DetectorCatalogue(List.copyOf(detectors), List.copyOf(statefulRules));
  }

  /**
   * The built-in detectors, tuned by {@code config.rules()}, minus those the rules switch off and
   * those {@code config} disables, each behind its alert type's allow-list; and the built-in stateful
   * rules, tuned by {@code config.stateful()} (the rules file and {@code disabledAlertTypes} name
   * single-event detectors only).
   *
   * @throws IllegalArgumentException when the config disables or configures an alert type that
   *     does not exist, which is a typo that would otherwise leave a detector running unnoticed
   */
  public static DetectorCatalogue builtIn(DetectionConfig config) {
    DetectionRules rules = config.rules();
    List<Detector> all = builtInDetectors(rules);
    Set<String> types = new TreeSet<>();
    for (Detector detector : all) {
      types.add(detector.info().alertType());
    }
    rules.requireKnownAlertTypes(types);
    Set<String> unknown = new TreeSet<>(config.disabledAlertTypes());
    unknown.removeAll(types);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown alert types to disable: " + unknown);
    }
    List<Detector> enabled = new ArrayList<>();
    for (Detector detector : all) {
      String type = detector.info().alertType();
      if (rules.enabled(type) && !config.disabledAlertTypes().contains(type)) {
        enabled.add(TrustingDetector.wrap(detector, rules.allowlist(type)));
      }
    }
    return new DetectorCatalogue(enabled, StatefulRules.builtIn(config.stateful()));
  }

  /** Every built-in detector, enabled or not, in catalogue order. */
  static List<Detector> builtInDetectors(DetectionRules rules) {
    return List.of(
        new TestAlertDetector(),
        // Workloads and pod specs.
        new PrivilegedContainerDetector(rules.allowlist(PrivilegedContainerDetector.ALERT_TYPE)),
        new SensitiveMountDetector(
            rules.list(ListName.SENSITIVE_HOST_PATHS),
            rules.allowlist(SensitiveMountDetector.ALERT_TYPE)),
        new HostNamespacePodDetector(rules.allowlist(HostNamespacePodDetector.ALERT_TYPE)),
        new DangerousCapabilitiesDetector(
            rules.list(ListName.DANGEROUS_CAPABILITIES),
            rules.allowlist(DangerousCapabilitiesDetector.ALERT_TYPE)),
        new PodInKubeNamespaceDetector(
            rules.list(ListName.SYSTEM_NAMESPACES),
            rules.allowlist(PodInKubeNamespaceDetector.ALERT_TYPE)),
        new MaliciousContainerImageDetector(rules.list(ListName.MINER_IMAGES)),
        new PenTestToolsDetector(rules.list(ListName.OFFENSIVE_TOOLS)),
        new EphemeralContainerDetector(),
        new SidecarInjectionDetector(),
        new CronJobModifiedDetector(),
        new DisallowedImageDetector(rules.allowlist(DisallowedImageDetector.ALERT_TYPE)),
        // Exec, attach, port-forward, kubelet.
        new ExecIntoPodDetector(),
        new ExecSuspiciousCommandDetector(rules.list(ListName.SUSPICIOUS_COMMANDS)),
        new PortForwardDetector(),
        new NodeProxyAccessDetector(),
        // RBAC and identities.
        new ClusterAdminBindingDetector(),
        new RoleRuleDetector(Grant.HIGH_PRIVILEGES),
        new RoleRuleDetector(Grant.WILDCARD),
        new RoleRuleDetector(Grant.WRITE),
        new RoleRuleDetector(Grant.POD_EXEC),
        new SystemRoleModifiedDetector(rules.list(ListName.SYSTEM_ROLE_EXCEPTIONS)),
        new ServiceAccountInKubeNamespaceDetector(rules.list(ListName.SYSTEM_NAMESPACES)),
        new ServiceAccountTokenCreatedDetector(),
        new ImpersonationPrivilegedDetector(
            rules.list(ListName.PRIVILEGED_USERS), rules.list(ListName.PRIVILEGED_GROUPS)),
        new CsrApprovedByUserDetector(),
        new PermissionsDiscoveryBySaDetector(),
        new AnonymousRequestAllowedDetector(rules.list(ListName.ANONYMOUS_PUBLIC_PATHS)),
        new ConfigMapChangeDetector(Watched.AWS_AUTH, rules.list(ListName.AWS_AUTH_CONFIG_MAPS)),
        new DisallowedUserDetector(),
        new ClientCertificateRequestedDetector(),
        new SensitiveRequestRefusedDetector(rules.list(ListName.SENSITIVE_REFUSALS)),
        new SystemPrincipalFromPublicAddressDetector(
            rules.list(ListName.SYSTEM_PRINCIPALS),
            rules.list(ListName.CLUSTER_NETWORKS),
            rules.list(ListName.CLOUD_RANGE_FILES)),
        // Secrets and configuration.
        new ConfigMapCredentialsDetector(rules.list(ListName.CREDENTIAL_PATTERNS)),
        new SecretAccessBySuspiciousClientDetector(rules.list(ListName.SCRIPTING_CLIENTS)),
        new ClusterConnectSecretAccessDetector(
            rules.list(ListName.CLUSTER_CONNECT_SERVICE_ACCOUNTS),
            rules.list(ListName.CLUSTER_CONNECT_NAMESPACES),
            rules.list(ListName.IGNORED_SECRET_NAME_PREFIXES)),
        new SecretModifiedOrDeletedDetector(
            rules.list(ListName.IGNORED_SECRET_TYPES),
            rules.list(ListName.IGNORED_SECRET_NAME_PREFIXES)),
        new ConfigMapChangeDetector(Watched.CORE_DNS, rules.list(ListName.CORE_DNS_CONFIG_MAPS)),
        // Control plane and defence evasion.
        new AdmissionControllerDetector(),
        new DeleteEventsDetector(),
        new DisallowedNamespaceDetector(rules.allowlist(DisallowedNamespaceDetector.ALERT_TYPE)),
        // Network exposure.
        new ExposedServiceDetector(Exposure.DASHBOARD, rules.list(ListName.DASHBOARD_APPS)),
        new ExposedServiceDetector(Exposure.KUBEFLOW, rules.list(ListName.KUBEFLOW_APPS)),
        new ExposedServiceDetector(Exposure.SENSITIVE_APP, rules.list(ListName.SENSITIVE_APPS)),
        new ExposedServiceDetector(Exposure.REDIS, rules.list(ListName.REDIS_APPS)),
        new ExposedServiceDetector(Exposure.POSTGRES, rules.list(ListName.POSTGRES_APPS)),
        new ExposedServiceDetector(Exposure.NODE_PORT, List.of()),
        new IngressWithoutTlsDetector(),
        // Activity feed.
        new ResourceActivityDetector(
            rules.list(ListName.ACTIVITY_RESOURCES), rules.list(ListName.SYSTEM_NAMESPACES)));
  }

  public Optional<Detector> get(String alertType) {
    return Optional.ofNullable(byType.get(alertType));
  }

  /** Every single-event detector, in registration order. */
  public List<Detector> all() {
    return detectors;
  }

  /** The alert types of the single-event detectors, in registration order. */
  public Set<String> alertTypes() {
    return byType.keySet();
  }

  /** The stateful rules, in topology order. */
  public List<StatefulRule> statefulRules() {
    return statefulRules;
  }

  public DetectorIndex index() {
    return index;
  }
}
