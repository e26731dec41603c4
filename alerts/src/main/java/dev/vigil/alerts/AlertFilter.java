package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code GET /v1/alerts} asks for. Every field but {@code workspace} and {@code limit} is
 * optional (null = any).
 *
 * @param workspace the caller's workspace; always taken from the token, never from the query
 * @param cluster exact cluster name
 * @param type exact alert type id, e.g. {@code K8S_PrivilegedContainer}
 * @param severity exact severity
 * @param minSeverity this severity or a more severe one
 * @param status exact status
 * @param since inclusive lower bound on {@code detectedTimeUtc}
 * @param until exclusive upper bound on {@code detectedTimeUtc}
 * @param text case-insensitive substring of the display name, description, compromised entity or
 *     an entity name
 * @param limit at most this many alerts, 1 to {@value #MAX_LIMIT}
 * @param cursor only alerts after this position in the newest-first order (from {@link
 *     #cursorAfter(Alert)} of the last alert of the previous page)
 */
public record AlertFilter(
    String workspace,
    String cluster,
    String type,
    Severity severity,
    Severity minSeverity,
    AlertStatus status,
    Instant since,
    Instant until,
    String text,
    int limit,
    Cursor cursor) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  /** The query parameters {@link #fromQuery} understands. */
  public static final List<String> PARAMETERS =
      List.of(
          "cluster", "type", "severity", "minSeverity", "status", "since", "until", "q", "limit",
          "cursor");

  /** The parameters of the live stream: the filters, without paging. */
  public static final List<String> STREAM_PARAMETERS =
      List.of("cluster", "type", "severity", "minSeverity", "status", "since", "until", "q");

  /** Longest accepted text search. */
  public static final int MAX_TEXT = 200;

  /** A position in the newest-first order: (detectedTimeUtc, id), both descending. */
  public record Cursor(Instant detectedTimeUtc, String id) {
    public Cursor {
      Objects.requireNonNull(detectedTimeUtc, "detectedTimeUtc");
      Objects.requireNonNull(id, "id");
    }
  }

  public AlertFilter {
    Objects.requireNonNull(workspace, "workspace");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
    }
  }

  /** Every alert of {@code workspace}, newest first, up to the default limit. */
  public static AlertFilter all(String workspace) {
    return new AlertFilter(
        workspace, null, null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
  }

  /**
   * Parses query parameters (name → values as received). Unknown parameters, repeated parameters
   * and empty values are rejected too, so that a typo never silently widens a query.
   *
   * @throws InvalidFilterException naming the parameter and the values it allows
   */
  public static AlertFilter fromQuery(String workspace, Map<String, List<String>> params) {
    return fromQuery(workspace, params, PARAMETERS);
  }

  /**
   * Parses the query of the live stream: the filters of {@link #fromQuery} without {@code limit} and
   * {@code cursor}.
   *
   * @throws InvalidFilterException naming the parameter and the values it allows
   */
  public static AlertFilter fromStreamQuery(String workspace, Map<String, List<String>> params) {
    return fromQuery(workspace, params, STREAM_PARAMETERS);
  }

  private static AlertFilter fromQuery(
      String workspace, Map<String, List<String>> params, List<String> allowed) {
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw new InvalidFilterException(
            e.getKey(),
            "unknown query parameter '" + e.getKey() + "'; allowed: " + String.join(", ", allowed));
      }
      if (e.getValue().size() > 1) {
        throw new InvalidFilterException(
            e.getKey(), "query parameter '" + e.getKey() + "' may be given once");
      }
    }
    Instant since = instant(params, "since");
    Instant until = instant(params, "until");
    if (since != null && until != null && !since.isBefore(until)) {
      throw new InvalidFilterException(
          "until", "parameter 'until' (" + until + ") must be after 'since' (" + since + ")");
    }
    return new AlertFilter(
        workspace,
        single(params, "cluster"),
        single(params, "type"),
        enumValue(params, "severity", Severity.class),
        enumValue(params, "minSeverity", Severity.class),
        enumValue(params, "status", AlertStatus.class),
        since,
        until,
        text(params),
        limit(params),
        cursor(params));
  }

  /** True when {@code alert} satisfies every set field (the cursor and limit aside). */
  public boolean matches(Alert alert) {
    if (!workspace.equals(alert.workspace())) {
      return false;
    }
    if (cluster != null && !cluster.equals(alert.cluster())) {
      return false;
    }
    if (type != null && !type.equals(alert.alertType())) {
      return false;
    }
    if (severity != null && severity != alert.severity()) {
      return false;
    }
    if (minSeverity != null && (alert.severity() == null || !alert.severity().atLeast(minSeverity))) {
      return false;
    }
    if (text != null && !containsText(alert)) {
      return false;
    }
    if (status != null && status != alert.status()) {
      return false;
    }
    Instant detected = alert.detectedTimeUtc();
    if ((since != null || until != null) && detected == null) {
      return false;
    }
    if (since != null && detected.isBefore(since)) {
      return false;
    }
    return until == null || detected.isBefore(until);
  }

  private boolean containsText(Alert alert) {
    String needle = text.toLowerCase(Locale.ROOT);
    if (contains(alert.displayName(), needle)
        || contains(alert.description(), needle)
        || contains(alert.compromisedEntity(), needle)) {
      return true;
    }
    if (alert.entities() != null) {
      for (Entity entity : alert.entities()) {
        if (entity != null && contains(entity.name(), needle)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean contains(String haystack, String lowerCaseNeedle) {
    return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerCaseNeedle);
  }

  private static String text(Map<String, List<String>> params) {
    String value = single(params, "q");
    if (value != null && value.length() > MAX_TEXT) {
      throw new InvalidFilterException(
          "q", "parameter 'q' may be at most " + MAX_TEXT + " characters long");
    }
    return value;
  }

  /** The opaque cursor value that continues a listing after {@code alert}. */
  public static String cursorAfter(Alert alert) {
    String raw = alert.detectedTimeUtc() + "|" + alert.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    String value = values.get(0);
    if (value == null || value.isBlank()) {
      throw new InvalidFilterException(name, "parameter '" + name + "' must not be empty");
    }
    return value.trim();
  }

  private static <E extends Enum<E>> E enumValue(
      Map<String, List<String>> params, String name, Class<E> type) {
    String value = single(params, name);
    if (value == null) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    String allowed =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    throw new InvalidFilterException(
        name, "parameter '" + name + "' has unknown value '" + value + "'; allowed: " + allowed);
  }

  private static Instant instant(Map<String, List<String>> params, String name) {
    String value = single(params, name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidFilterException(
          name,
          "parameter '" + name + "' must be an ISO-8601 timestamp with offset, such as "
              + "2024-05-01T12:00:00Z; was '" + value + "'");
    }
  }

  private static int limit(Map<String, List<String>> params) {
    String value = single(params, "limit");
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidFilterException(
          "limit",
          "parameter 'limit' must be an integer from 1 to " + MAX_LIMIT + " (default "
              + DEFAULT_LIMIT + "); was '" + value + "'");
    }
    return limit;
  }

  private static Cursor cursor(Map<String, List<String>> params) {
    String value = single(params, "cursor");
    if (value == null) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      if (bar > 0 && bar < raw.length() - 1) {
        return new Cursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      // falls through to the error below
    }
    throw new InvalidFilterException(
        "cursor",
        "parameter 'cursor' must be the nextCursor value of a previous answer, unchanged");
  }
}
