package dev.vigil.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts audit batches to {@code /v1/audit} as one cluster, the way kube-apiserver's webhook and the
 * agent do: a {@code 429} or {@code 503} is waited out for its {@code Retry-After} and the same batch
 * sent again, so nothing is lost; a connection failure is retried after a short pause. Any other
 * answer is final (retrying a {@code 400} or {@code 413} cannot succeed). One poster per connection.
 */
final class AuditPoster {

  /** Waited when a 429/503 has no readable {@code Retry-After}. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  /** A server asking for longer is still retried after this long (as the agent does). */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
  private static final Duration FAILURE_PAUSE = Duration.ofMillis(200);
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

  /**
   * What one batch came to.
   *
   * @param acceptedEvents events the gateway accepted ({@code 200}'s {@code accepted})
   * @param throttled 429 and 503 answers waited out before the final answer
   * @param failures connection failures and timeouts retried
   * @param status the final HTTP status; 0 when the deadline passed before any final answer
   */
  record Outcome(long acceptedEvents, int throttled, int failures, int status) {
    boolean delivered() {
      return status == 200;
    }
  }

  private final HttpClient client;
  private final URI audit;
  private final String token;

  AuditPoster(HttpClient client, URI server, String token) {
    this.client = client;
    this.audit = server.resolve("/v1/audit");
    this.token = token;
  }

  /**
   * Sends {@code gzipBody} until it gets a final answer or {@code giveUpAtNanos} ({@link
   * System#nanoTime()}) passes; a wait that would end after the deadline is not started.
   */
  Outcome post(byte[] gzipBody, long giveUpAtNanos) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(audit)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody))
            .build();
    int throttled = 0;
    int failures = 0;
    while (true) {
      Duration wait;
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) {
          Matcher m = ACCEPTED.matcher(response.body());
          return new Outcome(m.find() ? Long.parseLong(m.group(1)) : 0, throttled, failures, 200);
        }
        if (status != 429 && status != 503) {
          return new Outcome(0, throttled, failures, status);
        }
        throttled++;
        wait = retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
      } catch (IOException e) {
        failures++;
        wait = FAILURE_PAUSE;
      }
      if (System.nanoTime() + wait.toNanos() > giveUpAtNanos) {
        return new Outcome(0, throttled, failures, 0);
      }
      TimeUnit.NANOSECONDS.sleep(wait.toNanos());
    }
  }

  /**
   * A {@code Retry-After} value, delay-seconds or an HTTP date, within [0, {@link
   * #MAX_RETRY_AFTER}]; {@link #DEFAULT_RETRY_AFTER} when absent or unreadable.
   */
  static Duration retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return DEFAULT_RETRY_AFTER;
    }
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException notSeconds) {
      try {
        wait = Duration.between(
            now, ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notADate) {
        return DEFAULT_RETRY_AFTER;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }
}
