package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.settings.VigilConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Finding 7 without a broker: anonymous malformed requests cost one log line per cause at most. */
class ApiRouterErrorLogTest {

  @Test
  void anonymousMalformedPathsAreAnswered400AndLoggedOncePerCauseWithoutStackTrace() throws Exception {
    SecurityIT.Capture capture = SecurityIT.Capture.attach();
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      ApiRouter.configure(router, new ApiRouter.Parts(null, null, null, null, null, null, null, null,
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, VigilConfig.defaults().api(), null));
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<String> statuses = new ArrayList<>();
      for (String path : List.of("/x%ZZ", "/x%ZZ", "/x%", "/%zz/y", "/x%ZZ")) {
        for (int i = 0; i < 10; i++) {
          try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            statuses.add(answer.substring(0, answer.indexOf("\r\n")));
          }
        }
      }
      List<String> lines = new ArrayList<>(capture.lines);
      System.out.printf("LOGS 50 malformed paths -> statuses %s, %d log lines: %s%n",
          new java.util.TreeSet<>(statuses), lines.size(), lines);
      assertThat(statuses).allMatch(s -> s.startsWith("HTTP/1.1 400"));
      assertThat(lines).noneMatch(l -> l.startsWith("ERROR"));
      assertThat(lines).noneMatch(l -> l.contains(" | "));
      assertThat(lines.size()).isLessThanOrEqualTo(3);
    } finally {
      capture.detach();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
