package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code K8S_ClusterAdminBinding}: a RoleBinding or ClusterRoleBinding written with {@code roleRef}
 * the ClusterRole {@code cluster-admin}. A Role that happens to be named {@code cluster-admin} (kind
 * {@code Role}) is not the built-in superuser role and does not match.
 */
public final class ClusterAdminBindingDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "K8S_ClusterAdminBinding";
  static final String CLUSTER_ADMIN = "cluster-admin";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Role binding to the cluster-admin role detected",
          Severity.Medium,
          List.of("Persistence"),
          List.of("T1078"),
          List.of(
              "Confirm with the user who created the binding that its subjects need unrestricted"
                  + " access to the cluster.",
              "If not, delete the binding and grant a role with only the permissions needed.",
              "Review what the subjects did since the binding was created."));

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, Set.of("rolebindings", "clusterrolebindings"));

  public ClusterAdminBindingDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String subresource = event.subresource();
    if (subresource != null && !subresource.isEmpty()) {
      return List.of();
    }
    JsonNode object = Requests.writtenObject(event);
    if (object == null) {
      return List.of();
    }
    JsonNode roleRef = object.path("roleRef");
    String roleKind = roleRef.path("kind").asText("ClusterRole");
    if (!CLUSTER_ADMIN.equals(roleRef.path("name").asText(null)) || !"ClusterRole".equals(roleKind)) {
      return List.of();
    }
    boolean clusterWide = "clusterrolebindings".equals(event.resource());
    String kind = clusterWide ? "ClusterRoleBinding" : "RoleBinding";
    String namespace = clusterWide ? null : Requests.objectNamespace(event, object);
    String name = Requests.objectName(event, object);
    String qualified = Requests.qualified(namespace, name);

    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", event.username()));
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    entities.add(Entity.of("binding", qualified));
    entities.add(Entity.of("role", CLUSTER_ADMIN));
    List<String> subjects = new ArrayList<>();
    for (JsonNode subject : object.path("subjects")) {
      String subjectKind = subject.path("kind").asText("");
      String subjectName = subject.path("name").asText("");
      String subjectNamespace = subject.path("namespace").asText("");
      if ("ServiceAccount".equals(subjectKind)) {
        String ns = subjectNamespace.isEmpty() ? String.valueOf(namespace) : subjectNamespace;
        subjects.add("ServiceAccount " + ns + "/" + subjectName);
        entities.add(Entity.of("user", "system:serviceaccount:" + ns + ":" + subjectName));
      } else {
        subjects.add(subjectKind + " " + subjectName);
        if ("User".equals(subjectKind)) {
          entities.add(Entity.of("user", subjectName));
        }
      }
    }
    String scope = clusterWide ? "across the whole cluster" : "in namespace " + namespace;
    String grantees = subjects.isEmpty() ? "no subject yet" : String.join(", ", subjects);
    String description =
        "User "
            + event.username()
            + " "
            + Requests.pastTense(event.verb())
            + " "
            + kind
            + " "
            + qualified
            + ", which grants the cluster-admin role "
            + scope
            + " to "
            + grantees
            + ".";
    return List.of(
        new Match(
            Requests.entity(namespace, kind, name),
            entities,
            description,
            Map.of("kind", kind, "roleRef", "ClusterRole/" + CLUSTER_ADMIN, "subjects", grantees)));
  }
}
