package dev.vigil.alerts.outputs;

import dev.vigil.alerts.suppression.Suppressions;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.OutputDefinition;
import java.util.Map;

/** Which alert records an output delivers: plain Java, no Kafka types. */
public final class Routing {

  private Routing() {}

  /**
   * The kind of message {@code alert} makes for {@code output}, or null when the output does not
   * deliver it: alerts of other workspaces, alerts dismissed by a suppression rule, count updates,
   * status changes unless the output asks for them, and alerts below its severity or outside its
   * types, clusters and labels.
   *
   * @param isNew the record created the alert
   * @param statusChange the record was written because of a triage decision
   */
  public static Message.Kind route(OutputDefinition output, Alert alert, boolean isNew, boolean statusChange) {
    if (alert == null || !output.workspace().equals(alert.workspace()) || Suppressions.suppressed(alert)) {
      return null;
    }
    Message.Kind kind = isNew ? Message.Kind.NEW : statusChange && output.statusChanges() ? Message.Kind.STATUS : null;
    if (kind == null) {
      return null;
    }
    if (output.minSeverity() != null && (alert.severity() == null || !alert.severity().atLeast(output.minSeverity()))) {
      return null;
    }
    if (!output.alertTypes().isEmpty() && !output.alertTypes().contains(alert.alertType())) {
      return null;
    }
    if (!output.clusters().isEmpty() && !output.clusters().contains(alert.cluster())) {
      return null;
    }
    for (Map.Entry<String, String> label : output.labels().entrySet()) {
      if (!label.getValue().equals(alert.extendedProperties().get(label.getKey()))) {
        return null;
      }
    }
    return kind;
  }
}
