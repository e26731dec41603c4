package dev.vigil.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;

/**
 * Posts batches of audit lines to the gateway's {@code /v1/audit} as gzip-compressed JSON lines,
 * retrying until the gateway acknowledged them. The JDK's {@link HttpClient} is the only dependency.
 */
final class Shipper {
  private static final System.Logger log = System.getLogger(Shipper.class.getName());
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
  private static final Pattern REJECTED = Pattern.compile("\"rejected\"\\s*:\\s*(\\d+)");
  private static final Pattern MESSAGE = Pattern.compile("\"(?:message|reason)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Waits, returning early (true) when the agent is stopping. */
  interface Sleeper {
    boolean sleep(Duration duration) throws InterruptedException;
  }

  /**
   * What became of a batch.
   *
   * @param acknowledged true when the gateway took it (200); false when it refused this batch as such
   *     (400 malformed, 413 too large) and resending it unchanged would never succeed
   */
  record Outcome(boolean acknowledged, int status, int accepted, int rejected, String message) {}

  private final URI endpoint;
  private final Path tokenFile;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private String token;

  Shipper(
      URI endpoint,
      Path tokenFile,
      SSLContext ssl,
      Duration requestTimeout,
      Backoff backoff,
      Sleeper sleeper) {
    this.endpoint = endpoint;
    this.tokenFile = tokenFile;
    this.requestTimeout = requestTimeout;
    this.backoff = backoff;
    this.sleeper = sleeper;
    HttpClient.Builder builder =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
    this.token = readToken();
  }

  /**
   * Sends one batch, retrying transient failures (connection errors, 5xx, 429) with backoff and the
   * server's {@code Retry-After}.
   *
   * @param history send the lines as backfill ({@code ?backfill=true}), which the gateway defers
   *     (429, retried here) while detection has a backlog
   * @return the outcome, or empty when the agent began stopping before the batch was acknowledged
   * @throws TokenRefusedException on 401 (after re-reading the token file once) or 403
   * @throws AgentException on an answer that retrying cannot change (404, 405, 415): the server is
   *     not a Vigil gateway
   */
  Optional<Outcome> send(List<byte[]> lines, boolean history)
      throws InterruptedException, AgentException {
    byte[] body = gzip(lines);
    URI target = history ? URI.create(endpoint + "?backfill=true") : endpoint;
    int attempt = 0;
    boolean reread = false;
    while (true) {
      Duration wait;
      String problem;
      try {
        HttpResponse<String> response =
            http.send(request(target, body), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status == 200) {
          return Optional.of(
              new Outcome(true, status, number(ACCEPTED, text), number(REJECTED, text), message(text)));
        }
        if (status == 400 || status == 413) {
          return Optional.of(new Outcome(false, status, 0, 0, message(text)));
        }
        if (status == 401 && !reread) {
          reread = true;
          String fresh = readToken();
          if (!fresh.equals(token)) {
            log.log(System.Logger.Level.INFO, "the token file {0} changed; retrying with the new token", tokenFile);
            token = fresh;
            continue;
          }
        }
        if (status == 401 || status == 403) {
          throw new TokenRefusedException(
              "the gateway refused the cluster token (HTTP "
                  + status
                  + ": "
                  + message(text)
                  + "). The cluster was removed from Vigil or its token revoked: register it again"
                  + " (vigil cluster add) and put the new token in "
                  + tokenFile);
        }
        if (status == 404 || status == 405 || status == 415) {
          throw new AgentException(
              Agent.EXIT_CONFIG,
              endpoint + " answered HTTP " + status + " (" + message(text)
                  + "): --server must be the base URL of a Vigil gateway, e.g. https://vigil.example:8443");
        }
        problem = "HTTP " + status + " " + message(text);
        attempt++;
        Optional<Duration> asked =
            status == 429 || status == 503
                ? Backoff.retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                : Optional.empty();
        int retry = attempt;
        wait = asked.orElseGet(() -> backoff.delay(retry));
      } catch (IOException e) {
        attempt++;
        problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        wait = backoff.delay(attempt);
      }
      log.log(
          System.Logger.Level.WARNING,
          "sending {0} lines to {1} failed ({2}); retry {3} in {4} ms",
          lines.size(),
          endpoint,
          problem,
          attempt,
          wait.toMillis());
      if (sleeper.sleep(wait)) {
        return Optional.empty();
      }
    }
  }

  private HttpRequest request(URI target, byte[] body) {
    return HttpRequest.newBuilder(target)
        .timeout(requestTimeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-ndjson")
        .header("Content-Encoding", "gzip")
        .header("Accept", "application/json")
        .header("User-Agent", "vigil-agent")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private String readToken() {
    try {
      String value = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            "the token file " + tokenFile + " is empty: put the cluster's ingest token (vgc_...) in it");
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + tokenFile + ": " + e.getMessage(), e);
    }
  }

  static byte[] gzip(List<byte[]> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 64 * 1024)) {
      for (byte[] line : lines) {
        gz.write(line);
        gz.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory failed", e);
    }
    return bytes.toByteArray();
  }

  private static int number(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The first message or reason of a JSON answer, or the start of the text when it is not JSON. */
  static String message(String text) {
    Matcher m = MESSAGE.matcher(text);
    if (m.find()) {
      return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    String trimmed = text.strip();
    return trimmed.length() > 200 ? trimmed.substring(0, 200) + "..." : trimmed;
  }
}
