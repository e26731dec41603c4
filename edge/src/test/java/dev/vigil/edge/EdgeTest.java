package dev.vigil.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The edge on a real Vert.x server: one authentication handler, one error writer, the headers. */
class EdgeTest {
  private static final Map<String, Caller> TOKENS =
      Map.of("reader-a", new Caller("reader", "ws-a", "tok-1"), "cluster-a", new Caller(Caller.CLUSTER, "ws-a", "prod"));
  private static final CallerResolver CALLERS = token -> Optional.ofNullable(TOKENS.get(token));

  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders.api());
    router.get("/plain")
        .handler(Authentication.of(CALLERS, Authentication.Challenge.of("send a token")))
        .handler(ctx -> Answers.json(ctx, 200, Authentication.caller(ctx)));
    router.get("/detailed")
        .handler(Authentication.of(CALLERS, Authentication.Challenge.of("send an API token")
            .unknownToken("ask for a new one").invalidTokenError()))
        .handler(ctx -> Answers.noContent(ctx));
    router.get("/bare")
        .handler(Authentication.of(CALLERS, Authentication.Challenge.of("send a token").withHeader("Bearer")))
        .handler(ctx -> Answers.noContent(ctx));
    router.get("/twice").handler(ctx -> {
      Answers.error(ctx, 409, "conflict", "the first answer");
      Answers.error(ctx, 500, "internal_error", "never sent");
    });
    router.get("/page/*").handler(SecurityHeaders.page("default-src 'self'"))
        .handler(ctx -> ctx.response().end("page"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int status, String code, String message)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.fieldNames()).toIterable().containsExactly("error", "message");
    assertThat(body.path("error").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isEqualTo(message);
  }

  @Test
  void aKnownTokenReachesTheRouteWithItsCaller() throws Exception {
    HttpResponse<String> response = get("/plain", "Bearer reader-a");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readValue(response.body(), Caller.class)).isEqualTo(TOKENS.get("reader-a"));
    assertThat(get("/plain", "bearer   cluster-a ").statusCode()).isEqualTo(200);
  }

  @Test
  void noTokenAnUnknownOneOrBasicCredentialsAre401WithTheRoutesChallenge() throws Exception {
    for (String authorization : new String[] {null, "Basic cmVhZGVyLWE6", "Bearer ", "reader-a"}) {
      HttpResponse<String> response = get("/plain", authorization);
      assertError(response, 401, "unauthorized", "send a token");
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"vigil\"");
    }
    assertError(get("/plain", "Bearer nobody"), 401, "unauthorized", "send a token");

    HttpResponse<String> missing = get("/detailed", null);
    assertError(missing, 401, "unauthorized", "send an API token");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"vigil\"");
    HttpResponse<String> unknown = get("/detailed", "Bearer nobody");
    assertError(unknown, 401, "unauthorized", "ask for a new one");
    assertThat(unknown.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"vigil\", error=\"invalid_token\"");

    assertThat(get("/bare", "Bearer nobody").headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void aResponseIsAnsweredOnceAndTheFirstAnswerWins() throws Exception {
    assertError(get("/twice", null), 409, "conflict", "the first answer");
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersAndPagesTheirOwnPolicy() throws Exception {
    HttpResponse<String> api = get("/plain", null);
    assertThat(api.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(api.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
    assertThat(api.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(api.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'none'; frame-ancestors 'none'");

    HttpResponse<String> page = get("/page/index.html", null);
    assertThat(page.headers().allValues("Content-Security-Policy")).containsExactly("default-src 'self'");
    assertThat(page.headers().firstValue("Cross-Origin-Opener-Policy")).hasValue("same-origin");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
  }
}
