package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} requests. */
final class ExecRequests {

  /** kubectl uses POST (create); websocket clients use GET. */
  static final Set<String> VERBS = Set.of("create", "get");
  static final Set<String> RESOURCES = Set.of("pods");

  private ExecRequests() {}

  /** The {@code command} query parameters of the request URI, decoded, in order. */
  static List<String> command(String requestUri) {
    List<String> parts = new ArrayList<>();
    if (requestUri == null) {
      return parts;
    }
    int query = requestUri.indexOf('?');
    if (query < 0) {
      return parts;
    }
    for (String param : requestUri.substring(query + 1).split("&")) {
      if (param.startsWith("command=")) {
        try {
          parts.add(URLDecoder.decode(param.substring("command=".length()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // A malformed escape: keep the raw text so that it can still be read and matched.
          parts.add(param.substring("command=".length()));
        }
      }
    }
    return parts;
  }

  /** One query parameter (the first), decoded, or null. */
  static String parameter(String requestUri, String name) {
    if (requestUri == null || requestUri.indexOf('?') < 0) {
      return null;
    }
    for (String param : requestUri.substring(requestUri.indexOf('?') + 1).split("&")) {
      if (param.startsWith(name + "=")) {
        try {
          return URLDecoder.decode(param.substring(name.length() + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return param.substring(name.length() + 1);
        }
      }
    }
    return null;
  }

  /** The match of an exec-like request: the pod is the entity. */
  static Match match(AuditEvent event, String description, Map<String, String> evidence) {
    String namespace = Requests.namespace(event);
    String name = Requests.objectName(event, null);
    return Matches.about(event, "Pod", namespace, name, "pod", description, evidence);
  }
}
