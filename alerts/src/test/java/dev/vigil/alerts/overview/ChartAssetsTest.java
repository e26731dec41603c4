package dev.vigil.alerts.overview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.DashboardRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChartAssetsTest {

  @Test
  void theChartLibraryIsServedFromTheClassPathUnderTheDashboardsPolicy() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      DashboardRoutes.mount(router, token -> Optional.empty());
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.actualPort();

      HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/vendor/uplot/uPlot.esm.js"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> css = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/vendor/uplot/uPlot.min.css"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/insights.js"))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(js.statusCode()).isEqualTo(200);
      assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
      assertThat(js.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRoutes.CONTENT_SECURITY_POLICY);
      assertThat(js.body()).contains("export { uPlot as default }");
      assertThat(css.statusCode()).isEqualTo(200);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("from '/ui/vendor/uplot/uPlot.esm.js'");
      assertThat(ChartAssets.version()).matches("\\d+\\.\\d+\\.\\d+");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
