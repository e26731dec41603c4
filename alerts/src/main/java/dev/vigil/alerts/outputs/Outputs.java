package dev.vigil.alerts.outputs;

import dev.vigil.alerts.table.CompactedTable;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The outputs of every workspace, read from {@code vigil.outputs.v1}, each delivered by its own
 * {@link OutputDelivery} while it exists. Every instance of the alerts API runs one; the consumer
 * group of each output spreads its partitions over them.
 */
public final class Outputs implements AutoCloseable {
  private final Map<String, Object> kafkaClientConfig;
  private final MeterRegistry registry;
  private final Supplier<String> dashboardUrl;
  private final OutputDelivery.Backoff backoff;
  private final CompactedTable<OutputDefinition> table;
  private final Map<String, Running> running = new HashMap<>();
  private boolean closed;

  private record Running(OutputDefinition definition, OutputDelivery delivery, OutputState state) {}

  /**
   * @param kafkaClientConfig at least {@code bootstrap.servers}, plus any security settings
   * @param dashboardUrl the dashboard's base URL for links in messages (such as {@code https://vigil:8443})
   */
  public Outputs(Map<String, Object> kafkaClientConfig, MeterRegistry registry, Supplier<String> dashboardUrl) {
    this(kafkaClientConfig, registry, dashboardUrl, OutputDelivery.Backoff.defaults());
  }

  Outputs(Map<String, Object> kafkaClientConfig, MeterRegistry registry, Supplier<String> dashboardUrl,
      OutputDelivery.Backoff backoff) {
    this.kafkaClientConfig = Map.copyOf(kafkaClientConfig);
    this.registry = Objects.requireNonNull(registry, "registry");
    this.dashboardUrl = Objects.requireNonNull(dashboardUrl, "dashboardUrl");
    this.backoff = backoff;
    this.table = new CompactedTable<>(kafkaClientConfig, Topics.OUTPUTS, "vigil-outputs").onChange(this::changed);
  }

  /** Starts reading the outputs; each starts delivering as it is read. */
  public Outputs start() {
    table.start();
    return this;
  }

  public boolean awaitCaughtUp(Duration timeout) {
    return table.awaitCaughtUp(timeout);
  }

  public CompactedTable<OutputDefinition> table() {
    return table;
  }

  /** The delivery state of {@code id} on this instance, or null when it does not deliver it. */
  synchronized OutputState.View state(String id) {
    Running r = running.get(id);
    return r == null ? null : r.state().view();
  }

  private synchronized void changed(String id, OutputDefinition definition) {
    if (closed) {
      return;
    }
    Running before = running.get(id);
    if (before != null && before.definition().equals(definition)) {
      return;
    }
    if (before != null) {
      running.remove(id);
      before.delivery().close();
      before.state().unregister();
    }
    if (definition != null) {
      OutputState state = new OutputState(registry, id);
      OutputDelivery delivery = new OutputDelivery(kafkaClientConfig, definition, senderFor(definition), state,
          this::link, backoff);
      running.put(id, new Running(definition, delivery.start(), state));
    }
  }

  /** The link to an alert in the dashboard, or to the dashboard for null. */
  String link(String alertId) {
    String base = dashboardUrl.get();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return alertId == null ? base + "/" : base + "/#alert=" + URLEncoder.encode(alertId, StandardCharsets.UTF_8);
  }

  static Sender senderFor(OutputDefinition output) {
    return switch (output.kind()) {
      case "email" -> new EmailSender(output);
      case "syslog" -> new SyslogSender(output);
      default -> new HttpSender(output);
    };
  }

  /** Sends a test message to {@code output} once, without retry. */
  void test(OutputDefinition output) throws DeliveryException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String id = "test-" + UUID.randomUUID();
    Alert alert = new Alert(id, "K8S_TestAlert", "Test alert for Kubernetes (not a threat)",
        "A test message of Vigil output " + output.id() + ": if you read this, the output works.",
        Severity.Informational, List.of(), List.of(), AlertStatus.Active, output.workspace(), "vigil-output-test",
        "vigil-output-test", List.of(Entity.of("cluster", "vigil-output-test")), List.of(), now, now, now, 1,
        List.of(), Map.of());
    try (Sender sender = senderFor(output)) {
      sender.send(new Message(Message.Kind.TEST, alert, null, null, id, link(null)));
    }
  }

  @Override
  public void close() {
    List<Running> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(running.values());
      running.clear();
    }
    table.close();
    for (Running r : all) {
      r.delivery().close();
      r.state().unregister();
    }
  }
}
