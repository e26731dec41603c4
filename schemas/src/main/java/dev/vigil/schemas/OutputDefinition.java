package dev.vigil.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A notification output of a workspace: the value of {@code vigil.outputs.v1} (key: output id;
 * tombstone on delete). The secret is stored as given, because delivery needs it (the HMAC key of a
 * webhook, the SMTP password); the API never returns it.
 *
 * @param kind {@code webhook}, {@code slack}, {@code teams}, {@code email} or {@code syslog}
 * @param url where to deliver: {@code https://…} (webhook, Slack, Teams), {@code smtp://host:port} or
 *     {@code smtps://…} (email), {@code tcp://host:port} or {@code tls://…} (syslog); plain schemes
 *     only to loopback addresses
 * @param secret HMAC key (webhook) or SMTP password; null when none
 * @param minSeverity least severity delivered; null for every severity
 * @param alertTypes alert types delivered; empty for every type
 * @param clusters clusters delivered; empty for every cluster
 * @param labels {@code extendedProperties} entries an alert must carry to be delivered; empty for any
 * @param statusChanges also deliver status changes (resolve, dismiss, reopen), not only new alerts
 * @param maxPerWindow most alerts delivered one by one per {@code windowSeconds}; the rest are counted
 *     and sent as a digest when the window ends
 * @param caCertificate PEM certificate(s) to trust for this output's TLS besides the JDK's; null for none
 * @param createdAt when the output was created: delivery starts with alerts published from then on
 */
public record OutputDefinition(
    String id,
    String workspace,
    String name,
    String kind,
    String url,
    String secret,
    Severity minSeverity,
    List<String> alertTypes,
    List<String> clusters,
    Map<String, String> labels,
    boolean statusChanges,
    String username,
    String from,
    List<String> to,
    int maxPerWindow,
    int windowSeconds,
    String caCertificate,
    String createdBy,
    Instant createdAt) {

  public OutputDefinition {
    alertTypes = alertTypes == null ? List.of() : List.copyOf(alertTypes);
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    to = to == null ? List.of() : List.copyOf(to);
  }
}
