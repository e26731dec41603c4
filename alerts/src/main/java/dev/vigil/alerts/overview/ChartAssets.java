package dev.vigil.alerts.overview;

import dev.vigil.alerts.DashboardRoutes;
import dev.vigil.edge.SecurityHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The charting library of the dashboard, <a href="https://github.com/leeoniya/uPlot">uPlot</a> (MIT),
 * served from its webjar on the class path under {@value #PATH}: the overview imports {@code
 * /ui/vendor/uplot/uPlot.esm.js} and links {@code uPlot.min.css}, same origin, so the strict CSP holds.
 * The version is read from the webjar itself, so upgrading it is a change of the pom alone.
 */
public final class ChartAssets {
  static final String PATH = "/ui/vendor/uplot/*";
  private static final String POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private ChartAssets() {}

  /** The webjar's version, e.g. {@code 1.6.30}. */
  static String version() {
    try (InputStream in = ChartAssets.class.getClassLoader().getResourceAsStream(POM)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot webjar is not on the class path (" + POM + ")");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds {@code GET /ui/vendor/uplot/*} with the dashboard's security headers. */
  public static void mount(Router router) {
    router.get(PATH)
        .handler(SecurityHeaders.page(DashboardRoutes.CONTENT_SECURITY_POLICY))
        .handler(StaticHandler.create("META-INF/resources/webjars/uplot/" + version() + "/dist")
            .setCachingEnabled(false)
            .setDirectoryListing(false)
            .setDefaultContentEncoding("UTF-8"));
  }
}
