package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil alerts}: lists alerts, newest first, and with {@code --follow} streams their changes. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "List alerts, newest first; --follow then prints new and updated alerts as they happen.")
public final class AlertsCommand implements Callable<Integer> {
  private static final String ROW = "%-27s %-13s %-36s %-16s %-10s %6s  %s%n";

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--json", description = "print the alerts as JSON (with --follow: one JSON object per line)")
  boolean json;

  @Option(names = {"-f", "--follow"}, description = "keep running and print new and updated alerts")
  boolean follow;

  @Option(names = "--max-events", description = "with --follow: stop after this many streamed alerts")
  Long maxEvents;

  @Option(names = "--cluster", description = "only this cluster") String cluster;
  @Option(names = "--type", description = "only this alert type, e.g. K8S_TestAlert") String type;
  @Option(names = "--severity", description = "Informational, Low, Medium or High") String severity;
  @Option(names = "--min-severity", description = "this severity or higher") String minSeverity;
  @Option(names = "--status", description = "Active, InProgress, Resolved or Dismissed") String status;
  @Option(names = "--since", description = "ISO-8601 instant, e.g. 2026-01-01T00:00:00Z") String since;
  @Option(names = "--until", description = "ISO-8601 instant, exclusive") String until;
  @Option(names = {"-q", "--search"}, description = "text in the description or an entity") String search;
  @Option(names = "--limit", description = "at most this many (default 100)") Integer limit;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Map<String, Object> filters = new LinkedHashMap<>();
    filters.put("cluster", cluster);
    filters.put("type", type);
    filters.put("severity", severity);
    filters.put("minSeverity", minSeverity);
    filters.put("status", status);
    filters.put("since", since);
    filters.put("until", until);
    filters.put("q", search);
    Map<String, Object> listQuery = new LinkedHashMap<>(filters);
    listQuery.put("limit", limit);
    ApiClient api = client.client();
    JsonNode alerts = api.get("/v1/alerts" + query(listQuery)).orThrow("listing alerts").body().path("alerts");
    PrintWriter out = spec.commandLine().getOut();
    if (json && !follow) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(alerts));
    } else if (json) {
      for (JsonNode a : alerts) {
        out.println(Json.mapper().writeValueAsString(a));
      }
    } else {
      out.printf(ROW, "DETECTED", "SEVERITY", "TYPE", "CLUSTER", "STATUS", "COUNT", "ENTITY");
      for (JsonNode a : alerts) {
        printRow(out, a);
      }
      if (alerts.isEmpty() && !follow) {
        out.println("(no alerts)");
      }
    }
    out.flush();
    if (follow) {
      follow(api, query(filters), out);
    }
    return 0;
  }

  /** Streams until interrupted or {@code --max-events}; reconnects with Last-Event-ID after a break. */
  private void follow(ApiClient api, String query, PrintWriter out) throws InterruptedException {
    String[] lastEventId = {null};
    long[] printed = {0};
    while (maxEvents == null || printed[0] < maxEvents) {
      try {
        api.stream("/v1/alerts/stream" + query, lastEventId[0], event -> {
          if (event.id() != null) {
            lastEventId[0] = event.id();
          }
          if (!"alert".equals(event.event()) || (maxEvents != null && printed[0] >= maxEvents)) {
            return;
          }
          try {
            JsonNode alert = Json.mapper().readTree(event.data());
            if (json) {
              out.println(Json.mapper().writeValueAsString(alert));
            } else {
              printRow(out, alert);
            }
            out.flush();
            printed[0]++;
          } catch (IOException e) {
            spec.commandLine().getErr().println("vigil: skipping an unreadable event: " + e.getMessage());
          }
          if (maxEvents != null && printed[0] >= maxEvents) {
            throw new StopFollowing();
          }
        });
      } catch (StopFollowing done) {
        return;
      } catch (CliException e) {
        if (e.getMessage().contains("HTTP 4")) {
          throw e;
        }
        spec.commandLine().getErr().println("vigil: " + e.getMessage() + "; reconnecting");
      }
      Thread.sleep(2_000);
    }
  }

  /** Ends the stream from inside the event callback once enough events were printed. */
  private static final class StopFollowing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopFollowing() {
      super(null, null, false, false);
    }
  }

  private static void printRow(PrintWriter out, JsonNode a) {
    out.printf(ROW, a.path("detectedTimeUtc").asText(), a.path("severity").asText(), a.path("alertType").asText(),
        a.path("cluster").asText(), a.path("status").asText(), a.path("count").asLong(),
        a.path("compromisedEntity").asText());
  }

  private static String query(Map<String, Object> params) {
    StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach((k, v) -> {
      if (v != null) {
        joined.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }
}
