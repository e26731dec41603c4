package dev.vigil.alerts.outputs;

import dev.vigil.schemas.OutputDefinition;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Webhook, Slack and Teams deliveries over {@link HttpClient}: accepted on a 2xx answer. Webhook
 * bodies are signed ({@link Signature#HEADER}); every request carries {@value #IDEMPOTENCY_HEADER}.
 */
final class HttpSender implements Sender {
  static final String IDEMPOTENCY_HEADER = "X-Vigil-Idempotency-Key";
  static final String EVENT_HEADER = "X-Vigil-Event";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final OutputDefinition output;
  private final OutputSpec.Endpoint endpoint;
  private final HttpClient client;

  HttpSender(OutputDefinition output) {
    this.output = output;
    this.endpoint = OutputSpec.Endpoint.of(output.kind(), output.url());
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (output.caCertificate() != null) {
      builder.sslContext(OutputSpec.sslContext(output.caCertificate()));
    }
    this.client = builder.build();
  }

  @Override
  public void send(Message m) throws DeliveryException {
    byte[] body = switch (output.kind()) {
      case "slack" -> Formats.slack(m);
      case "teams" -> Formats.teams(m);
      default -> Formats.webhook(m);
    };
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.uri())
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "vigil-outputs")
        .header(IDEMPOTENCY_HEADER, m.idempotencyKey())
        .header(EVENT_HEADER, m.kind().name().toLowerCase(Locale.ROOT))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (output.kind().equals("webhook")) {
      request.header(Signature.HEADER, Signature.of(output.secret(), body));
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(endpoint.display() + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      String text = response.body() == null ? "" : response.body();
      throw new DeliveryException(endpoint.display() + " answered " + response.statusCode()
          + (text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length()))));
    }
  }
}
