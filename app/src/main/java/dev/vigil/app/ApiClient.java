package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A small HTTPS client of Vigil's API for the command line, on the JDK's {@link HttpClient}. */
final class ApiClient {
  private final String baseUrl;
  private final String token;
  private final HttpClient http;
  private final Path caFile;

  ApiClient(String baseUrl, String token, Path caFile) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
    this.caFile = caFile;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caFile != null) {
      builder.sslContext(TlsMaterial.clientContextTrusting(caFile));
    }
    this.http = builder.build();
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The CA certificate this client trusts, or null when it relies on the JDK's trust store. */
  Path caFile() {
    return caFile;
  }

  /** The answer of one request: status and parsed JSON body (null when the body is empty). */
  record Response(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** Throws a {@link CliException} with the server's own error message unless the call succeeded. */
    Response orThrow(String what) {
      if (ok()) {
        return this;
      }
      String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : "";
      String code = body != null && body.hasNonNull("error") ? body.get("error").asText() : "";
      throw new CliException(what + " failed: HTTP " + status + (code.isEmpty() ? "" : " " + code)
          + (message.isEmpty() ? "" : ": " + message));
    }
  }

  Response get(String path) {
    return send(request(path).GET().build());
  }

  Response delete(String path) {
    return send(request(path).DELETE().build());
  }

  Response postJson(String path, Object body) {
    try {
      byte[] bytes = body instanceof byte[] raw ? raw : Json.mapper().writeValueAsBytes(body);
      return send(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    } catch (IOException e) {
      throw new CliException("cannot encode the request: " + e.getMessage());
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = response.body();
      JsonNode json = null;
      if (body != null && body.length > 0) {
        try {
          json = Json.mapper().readTree(body);
        } catch (IOException notJson) {
          json = Json.mapper().getNodeFactory().objectNode().put("message", new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return new Response(response.statusCode(), json);
    } catch (ConnectException e) {
      throw new CliException("cannot connect to " + baseUrl + ": is vigil up running? (" + e.getMessage() + ")");
    } catch (javax.net.ssl.SSLHandshakeException e) {
      throw new CliException("TLS handshake with " + baseUrl + " failed (" + e.getMessage()
          + "): pass --ca-file with the server's CA certificate (DATA/tls/ca.crt)");
    } catch (IOException e) {
      throw new CliException("request to " + baseUrl + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
