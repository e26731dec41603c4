package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
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
final class ClusterCommand implements Runnable {
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
      out.println("Send audit events with the agent on each control-plane node:");
      out.println("  vigil agent --server " + api.baseUrl() + " --token-file /etc/vigil/token "
          + "--path /var/log/kube-apiserver/audit.log");
      out.println();
      out.println("Or with kube-apiserver's audit webhook: save this as /etc/kubernetes/vigil-webhook.kubeconfig");
      out.println(WebhookKubeconfig.render(name, api.baseUrl() + "/v1/audit", token, api.caFile()));
      out.println("and start kube-apiserver with:");
      out.println("  --audit-webhook-config-file=/etc/kubernetes/vigil-webhook.kubeconfig");
      out.println("  --audit-webhook-mode=batch --audit-webhook-batch-max-size=400 --audit-webhook-batch-max-wait=5s");
      out.println("  --audit-policy-file=/etc/kubernetes/audit-policy.yaml");
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the clusters of your workspace.")
  static final class ListClusters implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      JsonNode clusters = client.client().get("/v1/clusters").orThrow("listing clusters").body().path("clusters");
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-24s %-14s %-10s %-28s %10s %9s%n", "NAME", "WORKSPACE", "STATE", "LAST EVENT", "EVENTS",
          "REJECTED");
      for (JsonNode c : clusters) {
        out.printf("%-24s %-14s %-10s %-28s %10d %9d%n", c.path("name").asText(), c.path("workspace").asText(),
            c.path("installState").asText(), c.path("lastEventTime").asText("-"),
            c.path("eventsReceived").asLong(), c.path("eventsRejected").asLong());
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

    @Override
    public Integer call() throws IOException {
      JsonNode cluster = client.client().get("/v1/clusters/" + encode(name)).orThrow("showing cluster " + name).body();
      spec.commandLine().getOut().println(
          dev.vigil.schemas.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(cluster));
      return 0;
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
