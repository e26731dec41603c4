package dev.vigil.app;

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

/** {@code vigil alerts}: lists alerts, newest first. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "List alerts, newest first.")
final class AlertsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--json", description = "print the alerts as JSON")
  boolean json;

  @Option(names = "--cluster", description = "only this cluster") String cluster;
  @Option(names = "--type", description = "only this alert type, e.g. K8S_TestAlert") String type;
  @Option(names = "--severity", description = "Informational, Low, Medium or High") String severity;
  @Option(names = "--status", description = "Active, InProgress, Resolved or Dismissed") String status;
  @Option(names = "--since", description = "ISO-8601 instant, e.g. 2026-01-01T00:00:00Z") String since;
  @Option(names = "--limit", description = "at most this many (default 100)") Integer limit;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("cluster", cluster);
    query.put("type", type);
    query.put("severity", severity);
    query.put("status", status);
    query.put("since", since);
    query.put("limit", limit);
    StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach((k, v) -> {
      if (v != null) {
        params.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
      }
    });
    JsonNode alerts = client.client().get("/v1/alerts" + params).orThrow("listing alerts").body().path("alerts");
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(alerts));
    } else {
      out.printf("%-27s %-13s %-36s %-16s %-10s %6s  %s%n", "DETECTED", "SEVERITY", "TYPE", "CLUSTER", "STATUS",
          "COUNT", "ENTITY");
      for (JsonNode a : alerts) {
        out.printf("%-27s %-13s %-36s %-16s %-10s %6d  %s%n", a.path("detectedTimeUtc").asText(),
            a.path("severity").asText(), a.path("alertType").asText(), a.path("cluster").asText(),
            a.path("status").asText(), a.path("count").asLong(), a.path("compromisedEntity").asText());
      }
      if (alerts.isEmpty()) {
        out.println("(no alerts)");
      }
    }
    out.flush();
    return 0;
  }
}
