package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A JDK HTTPS client for the ITs, plus raw TLS sockets for what HttpClient cannot send. */
final class Https {
  final String url;
  final int port;
  final SSLContext tls;
  final HttpClient client;

  Https(String url, int port, Path caFile) {
    this.url = url;
    this.port = port;
    this.tls = TlsMaterial.clientContextTrusting(caFile);
    this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
  }

  static Https of(VigilServer server) {
    return new Https(server.url(), server.port(), server.caCertificate());
  }

  /** One answer: status, headers (lower-case names), body, and how long it took. */
  record Answer(int status, Map<String, String> headers, String body, long micros) {
    JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        return Json.mapper().missingNode();
      }
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Answer send(HttpRequest request) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    long micros = (System.nanoTime() - start) / 1000;
    Map<String, String> headers = new LinkedHashMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    return new Answer(r.statusCode(), headers, r.body(), micros);
  }

  Answer get(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).GET().build());
  }

  Answer postJson(String path, String token, String json) throws IOException, InterruptedException {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Answer method(String method, String path, String token, String json) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher body = json == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
    HttpRequest.Builder b = request(path, token).method(method, body);
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.build());
  }

  /** Registers a cluster with an admin token and returns its ingest token. */
  String addCluster(String adminToken, String name) throws IOException, InterruptedException {
    Answer a = postJson("/v1/clusters", adminToken, "{\"name\":\"" + name + "\"}");
    if (a.status() != 201) {
      throw new IllegalStateException("cluster add failed: " + a.status() + " " + a.body());
    }
    return a.json().path("token").asText();
  }

  SSLSocket socket() throws IOException {
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    socket.startHandshake();
    return socket;
  }

  /** Reads one HTTP/1.1 response with a Content-Length body from a raw stream. */
  static Answer readResponse(InputStream in) throws IOException {
    long start = System.nanoTime();
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = line(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1000);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(b);
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
  }
}
