package dev.vigil.detection.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@link Match} of a detector the same way for every detector: entity, entities, wording. */
public final class Matches {

  private Matches() {}

  /**
   * A match about the object a request is about.
   *
   * @param kind the object's kind ({@code ClusterRole}, {@code Service}, ...)
   * @param namespace its namespace, null for cluster-scoped objects
   * @param name its name
   * @param entityType the {@link Entity} type of the object ({@code role}, {@code service}, ...)
   * @param description the whole description
   * @param evidence detector-specific extended properties
   */
  public static Match about(
      AuditEvent event,
      String kind,
      String namespace,
      String name,
      String entityType,
      String description,
      Map<String, String> evidence) {
    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", String.valueOf(event.username())));
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    entities.add(Entity.of(entityType, Requests.qualified(namespace, name)));
    return new Match(Requests.entity(namespace, kind, name), entities, description, evidence);
  }

  /**
   * A match about the object a write request writes, named by the request, else by the object's
   * metadata ({@link Requests#objectNamespace}, {@link Requests#objectName}).
   *
   * @param object the written object ({@link Requests#writtenObject}), or null
   * @param rest the description after "User U created Kind ns/name"
   */
  public static Match aboutWritten(
      AuditEvent event,
      JsonNode object,
      String kind,
      String entityType,
      String rest,
      Map<String, String> evidence) {
    String namespace = Requests.objectNamespace(event, object);
    String name = Requests.objectName(event, object);
    String description = subject(event, kind, Requests.qualified(namespace, name)) + rest;
    return about(event, kind, namespace, name, entityType, description, evidence);
  }

  /** A match about the principal who sent the request; the entity is the user. */
  public static Match aboutUser(AuditEvent event, String description, Map<String, String> evidence) {
    String user = String.valueOf(event.username());
    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", user));
    String namespace = Requests.namespace(event);
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    return new Match(user, entities, description, evidence);
  }

  /**
   * A match about a written workload (pod, deployment, cronjob, ...), naming its kind and images.
   *
   * @param what what is wrong with it, after "User U created Deployment ns/web " (for example
   *     "with host network")
   * @param why one sentence on why it matters
   * @param containers the offending containers, whose images become entities
   */
  public static Match workload(
      AuditEvent event,
      String what,
      String why,
      Collection<PodSpecs.Container> containers,
      Map<String, String> evidence) {
    JsonNode object = Requests.writtenObject(event);
    String kind = PodSpecs.workloadKind(event);
    String namespace = Requests.objectNamespace(event, object);
    String name = Requests.objectName(event, object);
    String qualified = Requests.qualified(namespace, name);
    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", String.valueOf(event.username())));
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    entities.add(Entity.of("Pod".equals(kind) ? "pod" : "workload", qualified));
    for (String image : images(containers)) {
      entities.add(Entity.of("image", image));
    }
    String description =
        subject(event, kind, qualified)
            + (what.isEmpty() ? "" : " " + what)
            + (why.isEmpty() ? "." : ". " + why);
    return new Match(Requests.entity(namespace, kind, name), entities, description, evidence);
  }

  /** "User alice created ClusterRole some-reader". */
  public static String subject(AuditEvent event, String kind, String qualified) {
    return "User " + event.username() + " " + Requests.pastTense(event.verb()) + " " + kind + " "
        + qualified;
  }

  public static Set<String> images(Collection<PodSpecs.Container> containers) {
    Set<String> images = new LinkedHashSet<>();
    for (PodSpecs.Container container : containers) {
      if (!container.image().isEmpty()) {
        images.add(container.image());
      }
    }
    return images;
  }

  public static String names(Collection<PodSpecs.Container> containers) {
    List<String> names = new ArrayList<>();
    for (PodSpecs.Container container : containers) {
      names.add(container.name());
    }
    return String.join(",", names);
  }

  /**
   * Whether {@code text} contains {@code word} (ignoring case) as a whole token: bounded by the
   * text's ends, spaces, slashes, parentheses or semicolons. Allocates nothing: it runs on every
   * event's user agent.
   */
  public static boolean containsToken(String text, String word) {
    if (text == null || word.isEmpty()) {
      return false;
    }
    int last = text.length() - word.length();
    // The first character is tested with regionMatches' own case rule before the full comparison:
    // most positions fail there, and a full comparison at every position dominated the detector.
    char first = word.charAt(0);
    char firstUpper = Character.toUpperCase(first);
    char firstLower = Character.toLowerCase(firstUpper);
    for (int i = 0; i <= last; i++) {
      char c = text.charAt(i);
      if (c != first) {
        char upper = Character.toUpperCase(c);
        if (upper != firstUpper && Character.toLowerCase(upper) != firstLower) {
          continue;
        }
      }
      if (text.regionMatches(true, i, word, 0, word.length())
          && (i == 0 || isBoundary(text.charAt(i - 1)))
          && (i == last || isBoundary(text.charAt(i + word.length())))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBoundary(char c) {
    return c == ' ' || c == '/' || c == '(' || c == ')' || c == ';' || c == ',';
  }

  /** True when the subresource is null or empty: a request on the object itself. */
  public static boolean noSubresource(AuditEvent event) {
    String subresource = event.subresource();
    return subresource == null || subresource.isEmpty();
  }

  /** The {@link Entity} type of an object of this resource (the alert schema's enumeration). */
  public static String entityType(String resource) {
    return switch (resource == null ? "" : resource) {
      case "roles", "clusterroles" -> "role";
      case "rolebindings", "clusterrolebindings" -> "binding";
      case "secrets" -> "secret";
      case "services", "ingresses" -> "service";
      case "configmaps" -> "configmap";
      case "namespaces" -> "namespace";
      case "nodes" -> "node";
      case "pods" -> "pod";
      case "serviceaccounts" -> "user";
      default -> "workload";
    };
  }

  /** The kind of an RBAC or core object from its resource, for descriptions and entity ids. */
  public static String kindOf(String resource) {
    return switch (resource == null ? "" : resource) {
      case "roles" -> "Role";
      case "clusterroles" -> "ClusterRole";
      case "rolebindings" -> "RoleBinding";
      case "clusterrolebindings" -> "ClusterRoleBinding";
      case "configmaps" -> "ConfigMap";
      case "secrets" -> "Secret";
      case "services" -> "Service";
      case "serviceaccounts" -> "ServiceAccount";
      case "namespaces" -> "Namespace";
      case "ingresses" -> "Ingress";
      case "events" -> "Event";
      case "nodes" -> "Node";
      case "certificatesigningrequests" -> "CertificateSigningRequest";
      case "mutatingwebhookconfigurations" -> "MutatingWebhookConfiguration";
      case "validatingwebhookconfigurations" -> "ValidatingWebhookConfiguration";
      case "validatingadmissionpolicies" -> "ValidatingAdmissionPolicy";
      case "validatingadmissionpolicybindings" -> "ValidatingAdmissionPolicyBinding";
      default -> {
        String kind = PodSpecs.KIND_BY_RESOURCE.get(resource);
        yield kind != null ? kind : resource;
      }
    };
  }
}
