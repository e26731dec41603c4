package dev.vigil.app;

import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.ingest.IngestGateway;
import dev.vigil.ingest.KafkaUnavailableException;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /v1/clusters/{name}/simulate}: an admin injects the test-alert event as one of the
 * workspace's clusters, through the same gateway path as a real push.
 */
final class SimulateRoute {
  /** What simulating tells a request without a valid token. */
  private static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send an admin token as 'Authorization: Bearer <token>'").withHeader("Bearer");

  private SimulateRoute() {}

  static void mount(Router router, ClusterRegistry registry, IngestGateway gateway) {
    router.post("/v1/clusters/:name/simulate")
        .handler(Authentication.of(registry, CHALLENGE))
        .handler(ctx -> simulate(ctx, registry, gateway));
  }

  private static void simulate(RoutingContext ctx, ClusterRegistry registry, IngestGateway gateway) {
    Caller caller = Authentication.caller(ctx);
    String name = ctx.pathParam("name");
    // Names are unique per workspace: the caller's workspace says which cluster the name means.
    Optional<ClusterRegistration> cluster = registry.get(caller.workspace(), name);
    if (caller.isCluster()) {
      Answers.error(ctx, 403, "forbidden", "a cluster token cannot simulate; use an admin token");
      return;
    }
    if (cluster.isEmpty()) {
      Answers.error(ctx, 404, "not_found", "no cluster named '" + name + "' in your workspace");
      return;
    }
    if (!caller.canWrite(cluster.get().workspace())) {
      Answers.error(ctx, 403, "forbidden", "simulating needs an admin token of workspace "
          + cluster.get().workspace());
      return;
    }
    Caller asCluster = new Caller(Caller.CLUSTER, cluster.get().workspace(), cluster.get().name());
    byte[] event = TestAlertEvent.create("vigil-simulate:" + caller.name(), Instant.now());
    // Back on the request's Vert.x context before answering.
    Future.fromCompletionStage(gateway.accept(event, false, asCluster, System.currentTimeMillis()),
        ctx.vertx().getOrCreateContext()).onComplete(ar -> {
      Throwable failure = ar.cause();
      if (ar.succeeded()) {
        Answers.send(ctx, 202, Json.mapper().createObjectNode()
            .put("accepted", ar.result().accepted())
            .put("cluster", name)
            .put("namespace", TestAlertEvent.NAMESPACE)
            .toString());
      } else if (failure instanceof KafkaUnavailableException
          || failure.getCause() instanceof KafkaUnavailableException) {
        ctx.response().putHeader("Retry-After", "5");
        Answers.error(ctx, 503, "kafka_unavailable", "Kafka did not acknowledge the event; retry shortly");
      } else {
        ctx.fail(failure);
      }
    });
  }
}
