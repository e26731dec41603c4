package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.TestAlertEvent;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil simulate}: sends the test-alert event. With a cluster's token ({@code --token-file}) it
 * posts the event to {@code /v1/audit} like a real cluster; with an admin token and {@code --cluster} it
 * asks the server to inject the event as that cluster.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Send the test-alert event (list pods in namespace asc-alerttest-662jfi039n); "
        + "K8S_TestAlert should follow within seconds.")
public final class SimulateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--cluster", description = "cluster to simulate as (with an admin token); "
      + "default: the only cluster of the workspace")
  String cluster;

  @Override
  public Integer call() {
    ApiClient api = client.client();
    if (client.tokenFile != null && cluster == null) {
      api.postJson("/v1/audit", TestAlertEvent.create("vigil-simulate", Instant.now())).orThrow("sending the test event");
      spec.commandLine().getOut().println("Test event sent; expect K8S_TestAlert in ./vigil alerts within seconds.");
      return 0;
    }
    String target = cluster != null ? cluster : onlyCluster(api);
    api.postJson("/v1/clusters/" + ClusterCommand.encode(target) + "/simulate", new byte[0])
        .orThrow("simulating on cluster " + target);
    spec.commandLine().getOut().println("Test event sent as cluster " + target
        + "; expect K8S_TestAlert in ./vigil alerts within seconds.");
    return 0;
  }

  private static String onlyCluster(ApiClient api) {
    JsonNode clusters = api.get("/v1/clusters").orThrow("listing clusters").body().path("clusters");
    if (clusters.size() != 1) {
      throw new CliException(clusters.isEmpty()
          ? "no cluster registered: run ./vigil cluster add NAME first"
          : "several clusters registered: choose one with --cluster NAME");
    }
    return clusters.get(0).path("name").asText();
  }
}
