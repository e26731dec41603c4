package dev.vigil.alerts.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.alerts.table.CompactedTable;
import dev.vigil.alerts.table.DefinitionRoutes;
import dev.vigil.alerts.table.DefinitionRoutes.BadRequest;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.SuppressionRule;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code POST/GET/DELETE /v1/suppressions}: rules in {@code vigil.suppressions.v1}; reads for readers
 * and admins, writes for admins, each in its own workspace.
 *
 * <p>A rule's {@code matches} and {@code lastMatchedAt} are counted from the alerts themselves (the
 * history entries that name the rule), so they are exact on every instance without a counter of
 * their own; the price is one scan of the alert store per read of the list.
 */
public final class SuppressionRoutes {
  public static final String LIST_PATH = "/v1/suppressions";
  public static final String ONE_PATH = "/v1/suppressions/:id";
  static final int MAX_FIELD = 512;
  static final int MAX_ENTITY_FIELDS = 16;
  static final Duration VISIBLE_WAIT = Duration.ofSeconds(5);
  private static final Set<String> FIELDS = Set.of("alertType", "cluster", "entity", "reason", "expiresAt");

  /** A rule as the API shows it. */
  public record View(
      String id, String alertType, String cluster, Map<String, String> entity, String reason,
      Instant expiresAt, boolean expired, String createdBy, Instant createdAt, long matches,
      Instant lastMatchedAt) {}

  /** The body of {@code GET /v1/suppressions}. */
  public record ViewList(List<View> suppressions) {}

  private final CompactedTable<SuppressionRule> rules;
  private final Supplier<ReadOnlyKeyValueStore<String, Alert>> alerts;

  private SuppressionRoutes(CompactedTable<SuppressionRule> rules, Supplier<ReadOnlyKeyValueStore<String, Alert>> alerts) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
  }

  /** Adds the suppression API to {@code router}. */
  public static void mount(Router router, CallerResolver callers, CompactedTable<SuppressionRule> rules,
      Supplier<ReadOnlyKeyValueStore<String, Alert>> alerts) {
    SuppressionRoutes routes = new SuppressionRoutes(rules, alerts);
    DefinitionRoutes api = new DefinitionRoutes(callers, "suppression rules");
    api.route(router, HttpMethod.POST, LIST_PATH, true, 201, (caller, ctx) -> {
      SuppressionRule rule = parse(DefinitionRoutes.object(ctx, FIELDS), caller.workspace(),
          caller.role() + ":" + caller.name(), Instant.now());
      rules.write(rule.id(), rule);
      // Answer once this instance applies it: a GET right after the POST then shows the rule.
      rules.awaitValue(rule.id(), Objects::nonNull, VISIBLE_WAIT);
      return routes.view(rule, Map.of());
    });
    api.route(router, HttpMethod.GET, LIST_PATH, false, 200, (caller, ctx) -> {
      Map<String, long[]> counts = routes.counts(caller.workspace());
      return new ViewList(rules.values().stream()
          .filter(r -> r.workspace().equals(caller.workspace()))
          .sorted(Comparator.comparing(SuppressionRule::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())))
          .map(r -> routes.view(r, counts))
          .toList());
    });
    api.route(router, HttpMethod.GET, ONE_PATH, false, 200,
        (caller, ctx) -> routes.view(routes.owned(caller.workspace(), ctx.pathParam("id")), routes.counts(caller.workspace())));
    api.route(router, HttpMethod.DELETE, ONE_PATH, true, 204, (caller, ctx) -> {
      SuppressionRule rule = routes.owned(caller.workspace(), ctx.pathParam("id"));
      rules.write(rule.id(), null);
      rules.awaitValue(rule.id(), Objects::isNull, VISIBLE_WAIT);
      return null;
    });
  }

  private SuppressionRule owned(String workspace, String id) {
    SuppressionRule rule = rules.get(id);
    if (rule == null || !rule.workspace().equals(workspace)) {
      throw new BadRequest(404, "not_found", "no suppression rule with this id in your workspace");
    }
    return rule;
  }

  private View view(SuppressionRule r, Map<String, long[]> counts) {
    long[] c = counts.getOrDefault(r.id(), new long[] {0, 0});
    return new View(r.id(), r.alertType(), r.cluster(), r.entity(), r.reason(), r.expiresAt(),
        r.expiredAt(Instant.now()), r.createdBy(), r.createdAt(), c[0],
        c[0] == 0 ? null : Instant.ofEpochMilli(c[1]));
  }

  /** Rule id → {alerts it dismissed, epoch ms of the last one}, from the alerts of {@code workspace}. */
  Map<String, long[]> counts(String workspace) {
    Map<String, long[]> counts = new HashMap<>();
    ReadOnlyKeyValueStore<String, Alert> store;
    try {
      store = alerts.get();
    } catch (InvalidStateStoreException e) {
      throw new AlertStoreUnavailableException("alerts are loading, retry shortly", e);
    }
    try (KeyValueIterator<String, Alert> it = store.all()) {
      it.forEachRemaining(kv -> {
        Alert alert = kv.value;
        if (alert == null || !workspace.equals(alert.workspace())) {
          return;
        }
        for (AlertHistoryEntry entry : alert.history()) {
          String by = entry.changedBy();
          if (by != null && by.startsWith(Suppressions.CHANGED_BY_PREFIX)) {
            long[] c = counts.computeIfAbsent(by.substring(Suppressions.CHANGED_BY_PREFIX.length()), k -> new long[2]);
            c[0]++;
            c[1] = Math.max(c[1], entry.changedAt() == null ? 0 : entry.changedAt().toEpochMilli());
            break;
          }
        }
      });
    }
    return counts;
  }

  /** The rule a {@code POST} body describes, or {@link BadRequest} naming what is wrong. */
  static SuppressionRule parse(JsonNode body, String workspace, String createdBy, Instant now) {
    String alertType = DefinitionRoutes.text(body, "alertType", MAX_FIELD);
    String cluster = DefinitionRoutes.text(body, "cluster", MAX_FIELD);
    String reason = DefinitionRoutes.text(body, "reason", 2000);
    Map<String, String> entity = new LinkedHashMap<>();
    JsonNode e = body.get("entity");
    if (e != null && !e.isNull()) {
      if (!e.isObject() || e.size() > MAX_ENTITY_FIELDS) {
        throw new BadRequest("\"entity\" must be an object of at most " + MAX_ENTITY_FIELDS
            + " entity type → name entries, such as {\"namespace\":\"kube-system\",\"user\":\"alice\"}");
      }
      e.fields().forEachRemaining(f -> {
        if (!f.getValue().isTextual() || f.getValue().textValue().isBlank() || f.getValue().textValue().length() > MAX_FIELD) {
          throw new BadRequest("\"entity\"." + f.getKey() + " must be a non-empty string");
        }
        entity.put(f.getKey(), f.getValue().textValue());
      });
    }
    if (alertType == null && cluster == null && entity.isEmpty()) {
      throw new BadRequest("a rule needs at least one of \"alertType\", \"cluster\" or \"entity\":"
          + " a rule matching everything would silence every alert");
    }
    Instant expiresAt = null;
    String expires = DefinitionRoutes.text(body, "expiresAt", 64);
    if (expires != null) {
      try {
        expiresAt = Instant.parse(expires);
      } catch (DateTimeParseException ex) {
        throw new BadRequest("\"expiresAt\" must be an ISO-8601 UTC time such as 2030-01-31T00:00:00Z");
      }
      if (!expiresAt.isAfter(now)) {
        throw new BadRequest("\"expiresAt\" is in the past: the rule would never match");
      }
    }
    return new SuppressionRule(DefinitionRoutes.newId("sup_"), workspace, alertType, cluster, entity, reason,
        expiresAt, createdBy, now.truncatedTo(ChronoUnit.MILLIS));
  }
}
