package dev.vigil.alerts;

import static dev.vigil.alerts.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertsRoutesTest {
  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");
  private static final Map<String, Caller> TOKENS =
      Map.of(
          "reader-a", new Caller("reader", "ws-a", "tok-1"),
          "admin-a", new Caller("admin", "ws-a", "tok-2"),
          "cluster-a", new Caller(Caller.CLUSTER, "ws-a", "prod"),
          "reader-b", new Caller("reader", "ws-b", "tok-3"));

  private final Alert prodHigh = alert("ws-a", "prod", Severity.High, AlertStatus.Active, T);
  private final Alert prodLow = alert("ws-a", "prod", Severity.Low, AlertStatus.Active, T.plusSeconds(10));
  private final Alert stagingHigh =
      alert("ws-a", "staging", Severity.High, AlertStatus.Dismissed, T.plusSeconds(20));
  private final Alert otherWorkspace = alert("ws-b", "prod", Severity.High, AlertStatus.Active, T);
  private final InMemoryAlertStore store =
      new InMemoryAlertStore().put(prodHigh).put(prodLow).put(stagingHigh).put(otherWorkspace);
  private final AtomicBoolean storeReady = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newHttpClient();

  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    CallerResolver callers = token -> Optional.ofNullable(TOKENS.get(token));
    AlertQueries queries =
        new AlertQueries(
            () -> {
              if (!storeReady.get()) {
                throw new InvalidStateStoreException("store is not running yet");
              }
              return store;
            });
    AlertsRoutes.mount(router, callers, queries);
    // Another module's route on the same path, added afterwards, must still be reached.
    router.patch(AlertsRoutes.ONE_PATH).handler(ctx -> ctx.response().setStatusCode(204).end());
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(String method, String pathAndQuery, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
    return call("GET", pathAndQuery, token);
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    return Json.mapper().readTree(response.body());
  }

  private static ApiError error(HttpResponse<String> response, int status) throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode body = json(response);
    assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("error", "message");
    return Json.mapper().treeToValue(body, ApiError.class);
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("alerts").forEach(a -> ids.add(a.get("id").asText()));
    assertThat(list.get("count").asInt()).isEqualTo(ids.size());
    return ids;
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void listsTheCallersWorkspaceNewestFirst() throws Exception {
    HttpResponse<String> response = get("/v1/alerts", "reader-a");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(ids(body)).containsExactly(stagingHigh.id(), prodLow.id(), prodHigh.id());
    body.get("alerts").forEach(a -> SchemaAssertions.assertValid("alert", a));
    assertThat(body.has("nextCursor")).isFalse();
    assertThat(ids(json(get("/v1/alerts", "reader-b")))).containsExactly(otherWorkspace.id());
    assertThat(ids(json(get("/v1/alerts", "admin-a")))).hasSize(3);
  }

  @Test
  void appliesFilters() throws Exception {
    assertThat(ids(json(get("/v1/alerts?severity=High", "reader-a"))))
        .containsExactly(stagingHigh.id(), prodHigh.id());
    assertThat(ids(json(get("/v1/alerts?cluster=prod&severity=High", "reader-a"))))
        .containsExactly(prodHigh.id());
    assertThat(ids(json(get("/v1/alerts?status=Dismissed", "reader-a"))))
        .containsExactly(stagingHigh.id());
    assertThat(ids(json(get("/v1/alerts?since=" + q(T.plusSeconds(10).toString()), "reader-a"))))
        .containsExactly(stagingHigh.id(), prodLow.id());
    assertThat(ids(json(get("/v1/alerts?until=" + q("2024-05-01T14:00:10+02:00"), "reader-a"))))
        .containsExactly(prodHigh.id());
    assertThat(ids(json(get("/v1/alerts?type=" + TestFindings.TYPE + "&cluster=nowhere", "reader-a"))))
        .isEmpty();
  }

  @Test
  void pagesWithLimitAndCursor() throws Exception {
    JsonNode first = json(get("/v1/alerts?limit=2", "reader-a"));
    assertThat(ids(first)).containsExactly(stagingHigh.id(), prodLow.id());
    String cursor = first.get("nextCursor").asText();

    JsonNode second = json(get("/v1/alerts?limit=2&cursor=" + q(cursor), "reader-a"));
    assertThat(ids(second)).containsExactly(prodHigh.id());
    assertThat(second.has("nextCursor")).isFalse();
  }

  @Test
  void getsOneAlert() throws Exception {
    HttpResponse<String> response = get("/v1/alerts/" + prodHigh.id(), "reader-a");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = json(response);
    SchemaAssertions.assertValid("alert", body);
    assertThat(Json.mapper().treeToValue(body, Alert.class)).isEqualTo(prodHigh);
  }

  @Test
  void answers401WithoutOrWithAnUnknownToken() throws Exception {
    for (String path : List.of("/v1/alerts", "/v1/alerts/" + prodHigh.id())) {
      HttpResponse<String> none = get(path, null);
      assertThat(error(none, 401).error()).isEqualTo("unauthorized");
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).startsWith("Bearer"));

      HttpResponse<String> unknown = get(path, "no-such-token");
      assertThat(error(unknown, 401).error()).isEqualTo("unauthorized");
      assertThat(unknown.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).startsWith("Bearer").contains("invalid_token"));
    }
    HttpResponse<String> basic =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/alerts"))
                .header("Authorization", "Basic cmVhZGVyLWE6")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(error(basic, 401).error()).isEqualTo("unauthorized");
  }

  @Test
  void answers403ForAClusterToken() throws Exception {
    assertThat(error(get("/v1/alerts", "cluster-a"), 403).error()).isEqualTo("forbidden");
    assertThat(error(get("/v1/alerts/" + prodHigh.id(), "cluster-a"), 403).error()).isEqualTo("forbidden");
  }

  @Test
  void answers404AlikeForAnotherWorkspacesAlertAndAnUnknownId() throws Exception {
    ApiError crossWorkspace = error(get("/v1/alerts/" + prodHigh.id(), "reader-b"), 404);
    ApiError unknown = error(get("/v1/alerts/0123456789abcdef0123456789abcdef", "reader-b"), 404);

    assertThat(crossWorkspace.error()).isEqualTo("not_found");
    assertThat(crossWorkspace).isEqualTo(unknown);
  }

  @Test
  void answers400NamingTheBadParameterAndTheAllowedValues() throws Exception {
    Map<String, List<String>> cases =
        Map.of(
            "severity=Critical", List.of("severity", "Informational, Low, Medium, High"),
            "status=Open", List.of("status", "Active, InProgress, Resolved, Dismissed"),
            "since=yesterday", List.of("since", "ISO-8601"),
            "until=" + q("2024-13-01T00:00:00Z"), List.of("until", "ISO-8601"),
            "limit=0", List.of("limit", "1 to 1000"),
            "limit=5000", List.of("limit", "1 to 1000"),
            "workspace=ws-b", List.of("workspace", "allowed"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      ApiError e = error(get("/v1/alerts?" + c.getKey(), "reader-a"), 400);
      assertThat(e.error()).as(c.getKey()).isEqualTo("bad_request");
      assertThat(e.message()).as(c.getKey()).contains(c.getValue());
    }
  }

  @Test
  void answers405WithAllowForOtherMethods() throws Exception {
    HttpResponse<String> postList = call("POST", "/v1/alerts", "admin-a");
    assertThat(error(postList, 405).error()).isEqualTo("method_not_allowed");
    assertThat(postList.headers().firstValue("Allow")).contains("GET");

    HttpResponse<String> deleteOne = call("DELETE", "/v1/alerts/" + prodHigh.id(), "admin-a");
    assertThat(error(deleteOne, 405).error()).isEqualTo("method_not_allowed");
    assertThat(deleteOne.headers().firstValue("Allow")).contains("GET, PATCH");

    assertThat(call("PATCH", "/v1/alerts/" + prodHigh.id(), "admin-a").statusCode()).isEqualTo(204);
  }

  @Test
  void answers503WithRetryAfterUntilTheStoreIsQueryable() throws Exception {
    storeReady.set(false);
    for (String path : List.of("/v1/alerts", "/v1/alerts/" + prodHigh.id())) {
      HttpResponse<String> response = get(path, "reader-a");
      assertThat(error(response, 503).error()).isEqualTo("unavailable");
      assertThat(response.headers().firstValue("Retry-After")).contains("1");
    }

    storeReady.set(true);
    assertThat(get("/v1/alerts", "reader-a").statusCode()).isEqualTo(200);
  }
}
