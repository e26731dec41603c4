package dev.vigil.detection.rules.stateful;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Principals;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.stateful.BaselineRule;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The built-in baseline rules. */
final class BaselineRules {

  static final String KUBE_SYSTEM_CONTAINER = "K8S_KubeSystemContainer";
  static final String SA_RARE_OPERATION = "K8S_ServiceAccountRareOperation";
  static final String ANOMALOUS_SECRET_ACCESS = "K8S_AnomalousSecretAccess";
  static final String KUBE_SYSTEM = "kube-system";

  private BaselineRules() {}

  /**
   * {@code K8S_KubeSystemContainer}: a container in {@code kube-system} whose name and image
   * repository were not seen there. Per cluster: items are {@code name@repository}.
   */
  static final class KubeSystemContainer extends NamedRule implements BaselineRule {
    /** v2: keyed {@code workspace/cluster} (v1: the bare cluster name). */
    private static final ByCluster BY_CLUSTER =
        new ByCluster(
            "kube-system", "kube-system-workloads-by-cluster-v2", KubeSystemContainer::relevant);
    private static final DetectorInfo INFO =
        new DetectorInfo(
            KUBE_SYSTEM_CONTAINER,
            "New container in the kube-system namespace detected",
            Severity.Medium,
            List.of("Persistence", "DefenseEvasion"),
            List.of("T1610", "T1036.005"),
            List.of(
                "Check that the workload and image are part of an approved cluster add-on or upgrade.",
                "If not, delete the workload and find out how the principal could write to kube-system."));

    KubeSystemContainer() {
      super(INFO, "kube-system-containers");
    }

    /** Per cluster: only successful workload writes in kube-system cross the repartition. */
    @Override
    public ByCluster byCluster() {
      return BY_CLUSTER;
    }

    /** Cheap test before the repartition: a write of a workload in kube-system that succeeded. */
    static boolean relevant(AuditEvent event) {
      return event.verb() != null && PodSpecs.WRITE_VERBS.contains(event.verb())
          && KUBE_SYSTEM.equals(Requests.namespace(event)) && PodSpecs.workloadKind(event) != null
          && Principals.succeeded(event);
    }

    @Override
    public List<String> items(AuditEvent event) {
      if (!relevant(event)) {
        return List.of();
      }
      List<PodSpecs.Container> containers = PodSpecs.containers(PodSpecs.podSpec(event));
      if (containers.isEmpty()) {
        return List.of();
      }
      List<String> items = new ArrayList<>(containers.size());
      for (PodSpecs.Container container : containers) {
        if (!container.image().isEmpty()) {
          String item = container.name() + "@" + repository(container.image());
          if (!items.contains(item)) {
            items.add(item);
          }
        }
      }
      return items;
    }

    /** The image without tag or digest: {@code registry.k8s.io/coredns/coredns}. */
    static String repository(String image) {
      String repo = image;
      int at = repo.indexOf('@');
      if (at >= 0) {
        repo = repo.substring(0, at);
      }
      int colon = repo.lastIndexOf(':');
      if (colon > repo.lastIndexOf('/')) {
        repo = repo.substring(0, colon);
      }
      return repo;
    }

    @Override
    public Novelty describe(AuditRecord record, List<String> newItems, String learning) {
      AuditEvent event = record.event();
      String kind = PodSpecs.workloadKind(event);
      String name = event.objectName();
      if (name == null || name.isEmpty()) {
        name = event.requestObject() == null ? "(unnamed)"
            : event.requestObject().path("metadata").path("name").asText("");
        if (name.isEmpty()) {
          name = event.requestObject().path("metadata").path("generateName").asText("(unnamed)") + "*";
        }
      }
      String entity = KUBE_SYSTEM + "/" + kind + "/" + name;
      List<Entity> entities = new ArrayList<>();
      entities.add(Entity.of("workload", entity));
      entities.add(Entity.of("user", event.username()));
      for (String item : newItems) {
        entities.add(Entity.of("container", item.substring(0, item.indexOf('@'))));
        entities.add(Entity.of("image", item.substring(item.indexOf('@') + 1)));
      }
      return new Novelty(entity, entities,
          event.username() + " " + ("patch".equals(event.verb()) ? "patched" : event.verb() + "d") + " " + kind + " " + name + " in kube-system of cluster "
              + record.cluster() + " with containers never seen there: " + String.join(", ", newItems) + ".",
          INFO.severity(),
          Map.of("newContainers", String.join(", ", newItems), "learningPeriod", learning));
    }
  }

  /**
   * {@code K8S_ServiceAccountRareOperation}: a service account doing an operation (verb, resource,
   * subresource, namespace) outside its learned baseline. Per (cluster, service account).
   */
  static final class ServiceAccountRareOperation extends NamedRule implements BaselineRule {
    static final String OWN_NAMESPACE = "(own namespace)";
    static final String CLUSTER_SCOPE = "(cluster scope)";
    private static final DetectorInfo INFO =
        new DetectorInfo(
            SA_RARE_OPERATION,
            "Abnormal Kubernetes service account operation detected",
            Severity.Medium,
            List.of("Execution", "PrivilegeEscalation", "Persistence"),
            List.of("T1078.004", "T1528"),
            List.of(
                "Check whether the workload using this service account changed (a new version, new feature).",
                "If not, its token may be used from elsewhere: look at the source IPs and user agent, rotate"
                    + " the token and narrow the account's RBAC permissions."));

    ServiceAccountRareOperation() {
      super(INFO, "sa-operations");
    }

    @Override
    public List<String> items(AuditEvent event) {
      String user = event.username();
      if (!Principals.isServiceAccount(user) || event.resource() == null || event.verb() == null
          || !Principals.succeeded(event)) {
        return List.of();
      }
      return List.of(operation(event, user));
    }

    /** {@code create pods/exec in (own namespace)}: relative to the account's own namespace. */
    static String operation(AuditEvent event, String user) {
      String namespace = Requests.namespace(event);
      String where = namespace == null ? CLUSTER_SCOPE
          : namespace.equals(Principals.serviceAccountNamespace(user)) ? OWN_NAMESPACE : namespace;
      return event.verb() + " " + event.resourcePath() + " in " + where;
    }

    @Override
    public Novelty describe(AuditRecord record, List<String> newItems, String learning) {
      AuditEvent event = record.event();
      String user = event.username();
      return new Novelty(user,
          List.of(Entity.of("user", user)),
          "Service account " + user + " in cluster " + record.cluster() + " did an operation outside"
              + " its baseline: " + newItems.get(0) + ".",
          INFO.severity(),
          Map.of("operation", newItems.get(0), "learningPeriod", learning));
    }
  }

  /**
   * {@code K8S_AnomalousSecretAccess}: a principal reading secrets in a namespace where it never read
   * secrets before; severity High when the user agent is a scripting tool. Per (cluster, principal).
   */
  static final class AnomalousSecretAccess extends NamedRule implements BaselineRule {
    static final String ALL_NAMESPACES = "(all namespaces)";
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
    private static final DetectorInfo INFO =
        new DetectorInfo(
            ANOMALOUS_SECRET_ACCESS,
            "Anomalous access to Kubernetes secrets",
            Severity.Medium,
            List.of("CredentialAccess"),
            List.of("T1552.007"),
            List.of(
                "Confirm that this principal has a reason to read secrets in this namespace.",
                "If not, rotate the secrets it read and revoke or narrow its access."));

    AnomalousSecretAccess() {
      super(INFO, "secret-access");
    }

    @Override
    public List<String> items(AuditEvent event) {
      if (!"secrets".equals(event.resource()) || event.verb() == null
          || !READ_VERBS.contains(event.verb()) || !Principals.succeeded(event)
          || Principals.isControlPlane(event.username())) {
        return List.of();
      }
      String namespace = Requests.namespace(event);
      return List.of(namespace == null ? ALL_NAMESPACES : namespace);
    }

    @Override
    public Novelty describe(AuditRecord record, List<String> newItems, String learning) {
      AuditEvent event = record.event();
      String user = event.username();
      boolean scripted = Principals.isScriptingAgent(event.userAgent());
      String target = event.objectName() == null ? "secrets" : "secret " + event.objectName();
      return new Novelty(user,
          List.of(Entity.of("user", user), Entity.of("namespace", newItems.get(0))),
          user + " read " + target + " in namespace " + newItems.get(0) + " of cluster "
              + record.cluster() + ", where it had never read secrets before"
              + (scripted ? ", using a scripting tool (" + event.userAgent() + ")." : "."),
          scripted ? Severity.High : INFO.severity(),
          Map.of("newNamespace", newItems.get(0), "learningPeriod", learning,
              "scriptingUserAgent", Boolean.toString(scripted)));
    }
  }
}
