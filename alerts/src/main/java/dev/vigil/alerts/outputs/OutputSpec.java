package dev.vigil.alerts.outputs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.table.DefinitionRoutes;
import dev.vigil.alerts.table.DefinitionRoutes.BadRequest;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** Reads and checks an output from a {@code POST /v1/outputs} body; builds what its senders need. */
public final class OutputSpec {
  public static final Set<String> KINDS = Set.of("webhook", "slack", "teams", "email", "syslog");
  static final Set<String> FIELDS = Set.of("name", "kind", "url", "secret", "minSeverity", "alertTypes",
      "clusters", "labels", "statusChanges", "username", "from", "to", "maxPerWindow", "windowSeconds",
      "caCertificate");
  public static final int DEFAULT_MAX_PER_WINDOW = 20;
  public static final int DEFAULT_WINDOW_SECONDS = 300;
  private static final int MAX_TEXT = 2048;
  private static final int MAX_LIST = 100;

  private OutputSpec() {}

  /** The output a body describes, or {@link BadRequest} naming what is wrong. */
  public static OutputDefinition parse(JsonNode body, String workspace, String createdBy, Instant now) {
    String kind = DefinitionRoutes.text(body, "kind", 16);
    if (kind == null || !KINDS.contains(kind.toLowerCase(Locale.ROOT))) {
      throw new BadRequest("\"kind\" is required: one of webhook, slack, teams, email, syslog");
    }
    kind = kind.toLowerCase(Locale.ROOT);
    String url = DefinitionRoutes.text(body, "url", MAX_TEXT);
    if (url == null) {
      throw new BadRequest("\"url\" is required");
    }
    Endpoint.of(kind, url);
    String secret = DefinitionRoutes.text(body, "secret", MAX_TEXT);
    if (kind.equals("webhook") && secret == null) {
      throw new BadRequest("a webhook needs a \"secret\": deliveries are signed with it (X-Vigil-Signature)");
    }
    Severity minSeverity = null;
    String severity = DefinitionRoutes.text(body, "minSeverity", 32);
    if (severity != null) {
      for (Severity s : Severity.values()) {
        if (s.name().equalsIgnoreCase(severity)) {
          minSeverity = s;
        }
      }
      if (minSeverity == null) {
        throw new BadRequest("\"minSeverity\" must be one of Informational, Low, Medium, High");
      }
    }
    List<String> to = strings(body, "to");
    String from = DefinitionRoutes.text(body, "from", MAX_TEXT);
    if (kind.equals("email") && (to.isEmpty() || from == null)) {
      throw new BadRequest("an email output needs \"from\" and a list \"to\" of recipients");
    }
    String ca = DefinitionRoutes.text(body, "caCertificate", 64 * 1024);
    if (ca != null) {
      sslContext(ca);
    }
    JsonNode statusChanges = body.get("statusChanges");
    if (statusChanges != null && !statusChanges.isNull() && !statusChanges.isBoolean()) {
      throw new BadRequest("\"statusChanges\" must be true or false");
    }
    return new OutputDefinition(DefinitionRoutes.newId("out_"), workspace, DefinitionRoutes.text(body, "name", 200),
        kind, url, secret, minSeverity, strings(body, "alertTypes"), strings(body, "clusters"), labels(body),
        statusChanges != null && statusChanges.asBoolean(), DefinitionRoutes.text(body, "username", MAX_TEXT), from, to,
        number(body, "maxPerWindow", DEFAULT_MAX_PER_WINDOW, 1, 100_000),
        number(body, "windowSeconds", DEFAULT_WINDOW_SECONDS, 1, 86_400), ca, createdBy,
        now.truncatedTo(ChronoUnit.MILLIS));
  }

  private static List<String> strings(JsonNode body, String name) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_LIST) {
      throw new BadRequest("\"" + name + "\" must be a list of at most " + MAX_LIST + " strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual() || n.textValue().isBlank() || n.textValue().length() > MAX_TEXT) {
        throw new BadRequest("\"" + name + "\" must be a list of non-empty strings");
      }
      out.add(n.textValue().trim());
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode body) {
    JsonNode node = body.get("labels");
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject() || node.size() > MAX_LIST) {
      throw new BadRequest("\"labels\" must be an object of extendedProperties name → value");
    }
    node.fields().forEachRemaining(f -> {
      if (!f.getValue().isTextual()) {
        throw new BadRequest("\"labels\"." + f.getKey() + " must be a string");
      }
      out.put(f.getKey(), f.getValue().textValue());
    });
    return out;
  }

  private static int number(JsonNode body, String name, int fallback, int min, int max) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < min || node.intValue() > max) {
      throw new BadRequest("\"" + name + "\" must be a whole number from " + min + " to " + max);
    }
    return node.intValue();
  }

  /**
   * Where an output delivers: scheme, host, port and whether TLS is used. Plain schemes ({@code
   * http}, {@code smtp} without STARTTLS required, {@code tcp}) are accepted only to loopback
   * addresses, so alerts never cross a network in clear text.
   */
  public record Endpoint(URI uri, String host, int port, boolean tls, boolean loopback) {
    static Endpoint of(String kind, String url) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new BadRequest("\"url\" is not a URL: " + e.getMessage());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      if (host == null || host.isBlank()) {
        throw new BadRequest("\"url\" needs a host");
      }
      boolean loopback = isLoopback(host);
      String plain;
      String secure;
      int plainPort;
      int securePort;
      switch (kind) {
        case "email" -> { plain = "smtp"; secure = "smtps"; plainPort = 587; securePort = 465; }
        case "syslog" -> { plain = "tcp"; secure = "tls"; plainPort = 514; securePort = 6514; }
        default -> { plain = "http"; secure = "https"; plainPort = 80; securePort = 443; }
      }
      boolean tls = scheme.equals(secure);
      if (!tls && !scheme.equals(plain)) {
        throw new BadRequest("a " + kind + " output's \"url\" starts with " + secure + "://"
            + " (or " + plain + ":// to a loopback address)");
      }
      // SMTP upgrades a plain connection with STARTTLS (required unless loopback); the others need TLS.
      if (!tls && !loopback && !kind.equals("email")) {
        throw new BadRequest(plain + ":// is accepted only to loopback addresses (local receivers); use "
            + secure + "://");
      }
      int port = uri.getPort() > 0 ? uri.getPort() : tls ? securePort : plainPort;
      return new Endpoint(uri, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port, tls, loopback);
    }

    /** The URL without user information, safe to show. */
    public String display() {
      try {
        return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
      } catch (URISyntaxException e) {
        return uri.getScheme() + "://" + uri.getHost();
      }
    }
  }

  /** {@code localhost} or a loopback IP literal; other names are not resolved (DNS could change). */
  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A TLS context trusting exactly the PEM certificates of {@code pem} (an output's own CA). */
  public static SSLContext sslContext(String pem) {
    try {
      return TlsMaterial.clientContextTrustingPem(pem, "\"caCertificate\"");
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }
}
