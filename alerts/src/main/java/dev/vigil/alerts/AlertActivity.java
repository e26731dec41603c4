package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.VigilHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What a record of {@code vigil.alerts.v1} is, carried in the {@value VigilHeaders#ALERT_ACTIVITY}
 * header so that consumers (the OCSF mapping, the live stream) need not diff against the previous
 * version. The values are OCSF's finding activities.
 */
enum AlertActivity {
  /** A new alert. */
  CREATE("create", 1, "Create"),
  /** Count, times or status changed (reopening included). */
  UPDATE("update", 2, "Update"),
  /** Set to Resolved or Dismissed. */
  CLOSE("close", 3, "Close");

  final String header;
  final int ocsfId;
  final String ocsfName;

  AlertActivity(String header, int ocsfId, String ocsfName) {
    this.header = header;
    this.ocsfId = ocsfId;
    this.ocsfName = ocsfName;
  }

  /** The activity of a status change to {@code status}. */
  static AlertActivity ofStatusChange(AlertStatus status) {
    return status == AlertStatus.Resolved || status == AlertStatus.Dismissed ? CLOSE : UPDATE;
  }

  /** {@code record} with this activity's header (replacing any earlier one). */
  <K> Record<K, Alert> tag(Record<K, Alert> record) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.remove(VigilHeaders.ALERT_ACTIVITY);
    headers.add(VigilHeaders.ALERT_ACTIVITY, header.getBytes(StandardCharsets.UTF_8));
    return record.withHeaders(headers);
  }

  /** The activity named by {@code headers}, or {@link #UPDATE} when absent or unknown. */
  static AlertActivity of(Headers headers) {
    Header h = headers == null ? null : headers.lastHeader(VigilHeaders.ALERT_ACTIVITY);
    if (h != null && h.value() != null) {
      String value = new String(h.value(), StandardCharsets.UTF_8);
      for (AlertActivity a : values()) {
        if (a.header.equals(value)) {
          return a;
        }
      }
    }
    return UPDATE;
  }
}
