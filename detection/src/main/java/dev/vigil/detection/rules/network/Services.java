package dev.vigil.detection.rules.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Service a create, update or patch writes, read for the exposure detectors. A patch counts
 * where its body carries the field ({@code kubectl patch svc x -p '{"spec":{"type":"LoadBalancer"}}'}).
 */
final class Services {

  static final Set<String> RESOURCES = Set.of("services");
  static final String LOAD_BALANCER = "LoadBalancer";
  static final String NODE_PORT = "NodePort";

  final AuditEvent event;
  final JsonNode object;
  final String namespace;
  final String name;
  final String type;

  private Services(AuditEvent event, JsonNode object) {
    this.event = event;
    this.object = object;
    this.namespace = Requests.objectNamespace(event, object);
    this.name = Requests.objectName(event, object);
    this.type = object.path("spec").path("type").asText("");
  }

  /** The written service, or null when the request writes none. */
  static Services written(AuditEvent event) {
    if (!"services".equals(event.resource()) || !Matches.noSubresource(event)) {
      return null;
    }
    JsonNode object = Requests.writtenObject(event);
    return object == null ? null : new Services(event, object);
  }

  boolean isLoadBalancer() {
    return LOAD_BALANCER.equals(type);
  }

  /** The names an application is known by: the service name, selector and label values, lower case. */
  List<String> appNames() {
    List<String> names = new ArrayList<>();
    names.add(name.toLowerCase(Locale.ROOT));
    addValues(names, object.path("spec").path("selector"));
    addValues(names, object.path("metadata").path("labels"));
    return names;
  }

  /** The first needle found as a substring of an app name (or of the namespace, if asked), or null. */
  String matchedApp(Collection<String> needles, boolean includeNamespace) {
    List<String> names = appNames();
    if (includeNamespace && namespace != null) {
      names.add(namespace.toLowerCase(Locale.ROOT));
    }
    for (String needle : needles) {
      String n = needle.toLowerCase(Locale.ROOT);
      for (String candidate : names) {
        if (candidate.contains(n)) {
          return needle;
        }
      }
    }
    return null;
  }

  /** Whether one of the ports ({@code port} or numeric {@code targetPort}) is {@code port}. */
  boolean exposesPort(int port) {
    for (JsonNode p : object.path("spec").path("ports")) {
      if (p.path("port").asInt(-1) == port || p.path("targetPort").asInt(-1) == port) {
        return true;
      }
    }
    return false;
  }

  /** Ports as {@code 80/TCP,443/TCP}. */
  String ports() {
    List<String> ports = new ArrayList<>();
    for (JsonNode p : object.path("spec").path("ports")) {
      ports.add(p.path("port").asText("?") + "/" + p.path("protocol").asText("TCP"));
    }
    return String.join(",", ports);
  }

  /** The source ranges a load balancer admits: {@code spec.loadBalancerSourceRanges}. */
  List<String> sourceRanges() {
    List<String> ranges = new ArrayList<>();
    for (JsonNode range : object.path("spec").path("loadBalancerSourceRanges")) {
      ranges.add(range.asText());
    }
    String annotation =
        object
            .path("metadata")
            .path("annotations")
            .path("service.beta.kubernetes.io/load-balancer-source-ranges")
            .asText("");
    for (String range : annotation.split(",")) {
      if (!range.isBlank()) {
        ranges.add(range.strip());
      }
    }
    return ranges;
  }

  String qualified() {
    return Requests.qualified(namespace, name);
  }

  /** The match of an exposure detector: the service is the entity. */
  Match match(String what, String why, Map<String, String> evidence) {
    String description =
        Matches.subject(event, "Service", qualified()) + " " + what + ". " + why;
    return Matches.about(event, "Service", namespace, name, "service", description, evidence);
  }

  private static void addValues(List<String> names, JsonNode map) {
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      JsonNode value = it.next();
      if (value.isTextual()) {
        names.add(value.asText().toLowerCase(Locale.ROOT));
      }
    }
  }
}
