package dev.vigil.alerts.outputs;

import dev.vigil.schemas.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One thing an output sends: an alert (new, or a status change), a digest of alerts held back by
 * throttling, or a test message.
 *
 * @param kind what the message is
 * @param alert the alert (for {@link Kind#TEST} a synthetic test alert); null for a digest
 * @param digest what a digest counts; empty otherwise
 * @param window the throttling window a digest covers; null otherwise
 * @param idempotencyKey the same on every redelivery of the same message, so receivers can drop repeats
 * @param link the alert in the dashboard, or the dashboard for a digest
 */
public record Message(
    Kind kind, Alert alert, List<Throttle.Held> digest, Duration window, String idempotencyKey, String link) {

  public enum Kind { NEW, STATUS, DIGEST, TEST }

  public Message {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    digest = digest == null ? List.of() : List.copyOf(digest);
  }

  /** The idempotency key of the alert record at {@code offset}: the alert id and its version (offset). */
  public static String keyOf(String alertId, long offset) {
    return alertId + ":v" + offset;
  }

  /** A one-line summary for chat and mail subjects. */
  public String title() {
    return switch (kind) {
      case DIGEST -> "Vigil: " + digest.stream().mapToLong(Throttle.Held::count).sum()
          + " more alerts held back by throttling";
      case STATUS -> "[" + alert.severity() + "] " + alert.alertType() + " on cluster " + alert.cluster()
          + " is now " + alert.status();
      case TEST -> "Vigil test message: this output works";
      case NEW -> "[" + alert.severity() + "] " + alert.alertType() + " on cluster " + alert.cluster();
    };
  }

  /** Readable lines: what happened, or what a digest counts ("37 more K8S_ExecIntoPod alerts from cluster prod in the last 5 min"). */
  public List<String> lines() {
    if (kind == Kind.DIGEST) {
      return digest.stream().map(h -> h.describe(window)).toList();
    }
    return List.of(
        alert.displayName() == null ? alert.alertType() : alert.displayName(),
        "Severity: " + alert.severity(),
        "Type: " + alert.alertType(),
        "Cluster: " + alert.cluster(),
        "Entity: " + alert.compromisedEntity(),
        "Status: " + alert.status());
  }
}
