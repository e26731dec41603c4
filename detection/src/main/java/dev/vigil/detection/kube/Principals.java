package dev.vigil.detection.kube;

import dev.vigil.schemas.AuditEvent;
import java.util.List;
import java.util.Locale;

/** Reading who made a request and with what. */
public final class Principals {

  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /**
   * User-agent prefixes of HTTP libraries and command-line tools: a person or script talking to the
   * API server without kubectl or a Kubernetes client library, which is how stolen tokens are used.
   */
  private static final List<String> SCRIPTING_AGENTS =
      List.of("curl/", "wget/", "python-requests/", "python-urllib/", "python/", "go-http-client/",
          "powershell/", "mozilla/5.0 (windows nt; windows nt", "okhttp/", "node-fetch/", "axios/",
          "libwww-perl/", "aiohttp/", "httpie/", "java/", "ruby");

  private Principals() {}

  public static boolean isServiceAccount(String username) {
    return username != null && username.startsWith(SERVICE_ACCOUNT_PREFIX);
  }

  /** The namespace of a service account user name, or null. */
  public static String serviceAccountNamespace(String username) {
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
  public static boolean isControlPlane(String username) {
    return username != null && username.startsWith("system:") && !isServiceAccount(username);
  }

  public static boolean isScriptingAgent(String userAgent) {
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

  public static boolean succeeded(AuditEvent event) {
    return event.responseCode() < 400;
  }

}
