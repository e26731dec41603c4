package dev.vigil.detection.stateful;

import dev.vigil.schemas.AuditEvent;
import java.util.List;
import java.util.Locale;

/** Reading who made a request and with what, shared by the stateful rules. */
final class Principals {

  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  private static final String NAMESPACES_SEGMENT = "/namespaces/";

  /**
   * User-agent prefixes of HTTP libraries and command-line tools: a person or script talking to the
   * API server without kubectl or a Kubernetes client library, which is how stolen tokens are used.
   */
  private static final List<String> SCRIPTING_AGENTS =
      List.of("curl/", "wget/", "python-requests/", "python-urllib/", "python/", "go-http-client/",
          "powershell/", "mozilla/5.0 (windows nt; windows nt", "okhttp/", "node-fetch/", "axios/",
          "libwww-perl/", "aiohttp/", "httpie/", "java/", "ruby");

  private Principals() {}

  static boolean isServiceAccount(String username) {
    return username != null && username.startsWith(SERVICE_ACCOUNT_PREFIX);
  }

  /** The namespace of a service account user name, or null. */
  static String serviceAccountNamespace(String username) {
    if (!isServiceAccount(username)) {
      return null;
    }
    int colon = username.indexOf(':', SERVICE_ACCOUNT_PREFIX.length());
    return colon < 0 ? null : username.substring(SERVICE_ACCOUNT_PREFIX.length(), colon);
  }

  /**
   * Control-plane identities ({@code system:kube-controller-manager}, {@code system:node:*},
   * {@code system:apiserver}, ...) other than service accounts: they touch every namespace by design,
   * so per-principal novelty says nothing about them.
   */
  static boolean isControlPlane(String username) {
    return username != null && username.startsWith("system:") && !isServiceAccount(username);
  }

  static boolean isScriptingAgent(String userAgent) {
    if (userAgent == null || userAgent.isEmpty()) {
      return false;
    }
    String agent = userAgent.toLowerCase(Locale.ROOT);
    for (int i = 0; i < SCRIPTING_AGENTS.size(); i++) {
      if (agent.startsWith(SCRIPTING_AGENTS.get(i))) {
        return true;
      }
    }
    return false;
  }

  static boolean succeeded(AuditEvent event) {
    return event.responseCode() < 400;
  }

  /** {@code objectRef.namespace}, else the {@code /namespaces/<ns>/} segment of the URI, else null. */
  static String namespace(AuditEvent event) {
    String namespace = event.namespace();
    if (namespace != null && !namespace.isEmpty()) {
      return namespace;
    }
    String uri = event.requestURI();
    if (uri == null) {
      return null;
    }
    int query = uri.indexOf('?');
    int end = query < 0 ? uri.length() : query;
    int at = uri.indexOf(NAMESPACES_SEGMENT);
    if (at < 0 || at >= end) {
      return null;
    }
    int start = at + NAMESPACES_SEGMENT.length();
    int slash = uri.indexOf('/', start);
    int stop = slash < 0 || slash > end ? end : slash;
    return stop > start ? uri.substring(start, stop) : null;
  }
}
