package dev.vigil.alerts.outputs;

import dev.vigil.alerts.table.DefinitionRoutes;
import dev.vigil.alerts.table.DefinitionRoutes.BadRequest;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST/GET/DELETE /v1/outputs} and {@code POST /v1/outputs/{id}/test}: outputs in {@code
 * vigil.outputs.v1}; reads for readers and admins, writes and tests for admins, each in its own
 * workspace. The secret is never returned ({@code secretSet} says whether one is stored).
 */
public final class OutputRoutes {
  public static final String LIST_PATH = "/v1/outputs";
  public static final String ONE_PATH = "/v1/outputs/:id";
  public static final String TEST_PATH = "/v1/outputs/:id/test";
  static final Duration VISIBLE_WAIT = Duration.ofSeconds(5);

  /** An output as the API shows it; {@code delivery} is this instance's view, null while it does not run it. */
  public record View(String id, String name, String kind, String url, boolean secretSet, Severity minSeverity,
      List<String> alertTypes, List<String> clusters, Map<String, String> labels, boolean statusChanges,
      String username, String from, List<String> to, int maxPerWindow, int windowSeconds, boolean caCertificateSet,
      String createdBy, Instant createdAt, String state, OutputState.View delivery) {}

  /** The body of {@code GET /v1/outputs}. */
  public record ViewList(List<View> outputs) {}

  /** The body of a test that the receiver accepted. */
  public record TestResult(boolean delivered) {}

  private OutputRoutes() {}

  /** Adds the outputs API to {@code router}. */
  public static void mount(Router router, CallerResolver callers, Outputs outputs) {
    Objects.requireNonNull(outputs, "outputs");
    DefinitionRoutes api = new DefinitionRoutes(callers, "outputs");
    var table = outputs.table();
    api.route(router, HttpMethod.POST, TEST_PATH, true, 200, (caller, ctx) -> {
      OutputDefinition output = owned(outputs, caller.workspace(), ctx.pathParam("id"));
      try {
        outputs.test(output);
      } catch (DeliveryException e) {
        throw new BadRequest(502, "delivery_failed", "the receiver did not accept the test message: " + e.getMessage());
      }
      return new TestResult(true);
    });
    api.route(router, HttpMethod.POST, LIST_PATH, true, 201, (caller, ctx) -> {
      OutputDefinition output = OutputSpec.parse(DefinitionRoutes.object(ctx, OutputSpec.FIELDS), caller.workspace(),
          caller.role() + ":" + caller.name(), Instant.now());
      table.write(output.id(), output);
      table.awaitValue(output.id(), Objects::nonNull, VISIBLE_WAIT);
      return view(outputs, output);
    });
    api.route(router, HttpMethod.GET, LIST_PATH, false, 200, (caller, ctx) -> new ViewList(table.values().stream()
        .filter(o -> o.workspace().equals(caller.workspace()))
        .sorted(Comparator.comparing(OutputDefinition::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(o -> view(outputs, o))
        .toList()));
    api.route(router, HttpMethod.GET, ONE_PATH, false, 200,
        (caller, ctx) -> view(outputs, owned(outputs, caller.workspace(), ctx.pathParam("id"))));
    api.route(router, HttpMethod.DELETE, ONE_PATH, true, 204, (caller, ctx) -> {
      OutputDefinition output = owned(outputs, caller.workspace(), ctx.pathParam("id"));
      table.write(output.id(), null);
      table.awaitValue(output.id(), Objects::isNull, VISIBLE_WAIT);
      return null;
    });
  }

  private static OutputDefinition owned(Outputs outputs, String workspace, String id) {
    OutputDefinition output = outputs.table().get(id);
    if (output == null || !output.workspace().equals(workspace)) {
      throw new BadRequest(404, "not_found", "no output with this id in your workspace");
    }
    return output;
  }

  static View view(Outputs outputs, OutputDefinition o) {
    OutputState.View delivery = outputs.state(o.id());
    return new View(o.id(), o.name(), o.kind(), OutputSpec.Endpoint.of(o.kind(), o.url()).display(),
        o.secret() != null, o.minSeverity(), o.alertTypes(), o.clusters(), o.labels(), o.statusChanges(), o.username(),
        o.from(), o.to(), o.maxPerWindow(), o.windowSeconds(), o.caCertificate() != null, o.createdBy(), o.createdAt(),
        delivery == null ? "idle" : delivery.state(), delivery);
  }
}
