package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.DataDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil cluster add|list|show|rm}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Register, list and revoke clusters.",
    subcommands = {ClusterCommand.Add.class, ClusterCommand.ListClusters.class, ClusterCommand.Show.class,
        ClusterCommand.Remove.class})
public final class ClusterCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Register a cluster and print its ingest token (shown once), the agent command line "
          + "and a kube-apiserver audit webhook kubeconfig.")
  static final class Add implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME", description = "cluster name (lower-case letters, digits, '-' and '.')")
    String name;

    @Option(names = "--workspace", description = "workspace (default: the token's)")
    String workspace;

    @Option(names = "--label", description = "label k=v (repeatable)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--token-out", description = "also write the ingest token to this file (mode 0600)")
    Path tokenOut;

    @Override
    public Integer call() throws IOException {
      ApiClient api = client.client();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      if (workspace != null) {
        body.put("workspace", workspace);
      }
      body.put("labels", labels);
      JsonNode created = api.postJson("/v1/clusters", body).orThrow("registering cluster " + name).body();
      String token = created.path("token").asText();
      if (tokenOut != null) {
        DataDir.writePrivate(tokenOut, token + "\n");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Cluster " + name + " registered in workspace " + created.path("workspace").asText() + ".");
      out.println();
      out.println("Ingest token (shown once; store it as a secret):");
      out.println("  " + token);
      if (tokenOut != null) {
        out.println("  (also written to " + tokenOut + ")");
      }
      out.println();
      out.println("Send audit events with the agent on each control-plane node (the token above in /etc/vigil/token"
          + (api.caFile() == null ? "" : ", the CA certificate " + api.caFile() + " in /etc/vigil/ca.crt") + "):");
      out.println("  " + agentCommand(api));
      out.println("  (deploy/agent-daemonset.yaml runs it on every control-plane node)");
      out.println();
      out.println("Or with kube-apiserver's audit webhook: save this as /etc/kubernetes/vigil-webhook.kubeconfig");
      out.println(WebhookKubeconfig.render(name, api.baseUrl() + "/v1/audit", token, api.caFile()));
      out.println("and start kube-apiserver with:");
      for (String flag : WebhookKubeconfig.RECOMMENDED_FLAGS) {
        out.println("  " + flag);
      }
      out.flush();
      return 0;
    }
  }

  static String agentCommand(ApiClient api) {
    return "vigil agent --server " + api.baseUrl() + " --token-file /etc/vigil/token"
        + (api.caFile() == null ? "" : " --ca-file /etc/vigil/ca.crt")
        + " --path /var/log/kube-apiserver/audit.log";
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the clusters of your workspace.")
  static final class ListClusters implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      JsonNode clusters = client.client().get("/v1/clusters").orThrow("listing clusters").body().path("clusters");
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-24s %-14s %-10s %-28s %10s %9s %9s%n", "NAME", "WORKSPACE", "STATE", "LAST EVENT", "EVENTS",
          "REJECTED", "PER MIN");
      for (JsonNode c : clusters) {
        out.printf("%-24s %-14s %-10s %-28s %10d %9d %9d%n", c.path("name").asText(), c.path("workspace").asText(),
            c.path("installState").asText(), c.path("lastEventTime").asText("-"),
            c.path("eventsReceived").asLong(), c.path("eventsRejected").asLong(), c.path("eventsPerMinute").asLong());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one cluster.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
      JsonNode cluster = client.client().get("/v1/clusters/" + encode(name)).orThrow("showing cluster " + name).body();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(dev.vigil.schemas.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(cluster));
      } else {
        out.printf("Name:              %s%n", cluster.path("name").asText());
        out.printf("Workspace:         %s%n", cluster.path("workspace").asText());
        out.printf("Labels:            %s%n", labels(cluster.path("labels")));
        out.printf("Registered:        %s%n", cluster.path("createdAt").asText("-"));
        out.printf("Install state:     %s%n", cluster.path("installState").asText());
        out.printf("Last event:        %s%n", cluster.path("lastEventTime").asText("-"));
        out.printf("Events received:   %d%n", cluster.path("eventsReceived").asLong());
        out.printf("Events rejected:   %d%n", cluster.path("eventsRejected").asLong());
        out.printf("Events per minute: %d%n", cluster.path("eventsPerMinute").asLong());
        out.printf("Unhealthy after:   %d s of silence%n", cluster.path("unhealthyAfterSeconds").asLong());
      }
      out.flush();
      return 0;
    }

    private static String labels(JsonNode labels) {
      StringBuilder text = new StringBuilder();
      labels.fields().forEachRemaining(e -> text.append(text.length() == 0 ? "" : ",")
          .append(e.getKey()).append('=').append(e.getValue().asText()));
      return text.length() == 0 ? "-" : text.toString();
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = "Remove a cluster and revoke its ingest token at once.")
  static final class Remove implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      client.client().delete("/v1/clusters/" + encode(name)).orThrow("removing cluster " + name);
      spec.commandLine().getOut().println("Cluster " + name + " removed; its token is revoked.");
      return 0;
    }
  }

}
