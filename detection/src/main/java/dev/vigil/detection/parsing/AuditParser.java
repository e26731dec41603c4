package dev.vigil.detection.parsing;

import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.audit.AuditItem;
import dev.vigil.schemas.audit.AuditReader;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Parses and validates one raw audit record (the JSON of one event plus the gateway's headers). The
 * event itself is read by the one audit-event contract of {@code schemas} ({@link AuditReader}), the
 * same reader and rules the gateway applies, so an event the gateway accepted is never refused here
 * for a contract reason. It never throws for bad input: every rejection carries a precise,
 * human-readable reason for the DLQ.
 */
public final class AuditParser {

  /** Reasons end up in a Kafka header and in logs: keep them one line and bounded. */
  private static final int MAX_REASON_LENGTH = 500;

  private AuditParser() {}

  public static ParseResult parse(byte[] value, Headers headers) {
    try {
      return parseChecked(value, headers);
    } catch (RuntimeException e) {
      // Validation covers the known shapes; this keeps an unforeseen one from stopping the
      // stream thread, and the DLQ keeps the record for a fix.
      return rejected(value, "cannot be read: " + e);
    }
  }

  private static ParseResult parseChecked(byte[] value, Headers headers) {
    String cluster = header(headers, VigilHeaders.CLUSTER);
    if (cluster == null) {
      return rejected(value, "missing header \"" + VigilHeaders.CLUSTER + "\"");
    }
    String workspace = header(headers, VigilHeaders.WORKSPACE);
    if (workspace == null) {
      return rejected(value, "missing header \"" + VigilHeaders.WORKSPACE + "\"");
    }
    String receivedText = header(headers, VigilHeaders.RECEIVED_MS);
    if (receivedText == null) {
      return rejected(value, "missing header \"" + VigilHeaders.RECEIVED_MS + "\"");
    }
    long receivedMs;
    try {
      receivedMs = Long.parseLong(receivedText);
    } catch (NumberFormatException e) {
      receivedMs = -1;
    }
    if (receivedMs < 0) {
      return rejected(
          value,
          "header \"" + VigilHeaders.RECEIVED_MS + "\" is not epoch milliseconds: \""
              + receivedText + "\"");
    }
    AuditItem item = AuditReader.events().readEvent(value);
    if (!item.valid()) {
      return rejected(value, item.reason());
    }
    boolean backfill = "true".equals(header(headers, VigilHeaders.BACKFILL));
    return ParseResult.valid(new AuditRecord(item.event(), cluster, workspace, receivedMs, backfill));
  }

  private static String header(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static ParseResult rejected(byte[] value, String reason) {
    return ParseResult.rejected(value, oneLine(reason));
  }

  private static String oneLine(String reason) {
    String line = reason.replaceAll("[\\r\\n\\t]+", " ");
    return line.length() <= MAX_REASON_LENGTH
        ? line
        : line.substring(0, MAX_REASON_LENGTH - 3) + "...";
  }
}
