package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.TlsMaterial;
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

  /** One server-sent event. */
  record ServerEvent(String id, String event, String data) {}

  /**
   * Reads the server-sent events of {@code path} until the server closes the stream, passing each to
   * {@code onEvent}; sends {@code Last-Event-ID} when {@code lastEventId} is set.
   *
   * @throws CliException when the server refuses the request (with its message) or cannot be reached
   */
  void stream(String path, String lastEventId, java.util.function.Consumer<ServerEvent> onEvent) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      builder.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(builder.GET().build(), HttpResponse.BodyHandlers.ofLines());
    } catch (ConnectException e) {
      throw new CliException("cannot connect to " + baseUrl + ": is vigil up running? (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new CliException("request to " + baseUrl + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    try (java.util.stream.Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        String text = String.join("\n", (Iterable<String>) lines::iterator);
        JsonNode json = null;
        try {
          json = Json.mapper().readTree(text);
        } catch (IOException notJson) {
          // the message below carries the status alone
        }
        new Response(response.statusCode(), json).orThrow("following alerts");
        return;
      }
      String[] id = {null};
      String[] event = {null};
      StringBuilder data = new StringBuilder();
      lines.forEach(line -> {
        if (line.isEmpty()) {
          if (data.length() > 0 || event[0] != null) {
            onEvent.accept(new ServerEvent(id[0], event[0] == null ? "message" : event[0], data.toString()));
          }
          event[0] = null;
          data.setLength(0);
          return;
        }
        if (line.startsWith(":")) {
          return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
        switch (field) {
          case "id" -> id[0] = value;
          case "event" -> event[0] = value;
          case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
          default -> { }
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw new CliException("the alert stream from " + baseUrl + " broke: " + e.getCause());
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
