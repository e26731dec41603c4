package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real {@code vigil up}: a reader sees the test
 * alert and no triage buttons; an admin dismisses it and sees the status change. Screenshots go to
 * {@code target/screenshots}. Skipped where Debian's {@code chromium} and {@code chromedriver} are not
 * installed ({@code .ci/install-browser} installs them), except under {@code CI=true}, where that
 * fails: CI must not lose the browser test silently.
 */
class DashboardBrowserIT {
  static final List<Path> CHROMIUM = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
  static final List<Path> DRIVER = List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;
  @TempDir Path profile;

  static Path firstExecutable(List<Path> candidates) {
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** The installed Chromium and its driver. */
  record Browser(Path chromium, Path chromedriver) {
    /** The browser, or the test skipped (failed under {@code CI=true}) when it is not installed. */
    static Browser findOrSkip() throws Exception {
      Path chromium = firstExecutable(CHROMIUM);
      Path chromedriver = firstExecutable(DRIVER);
      if (chromium == null || chromedriver == null) {
        String missing = "chromium and chromedriver are not installed; run .ci/install-browser to run the browser test";
        if ("true".equals(System.getenv("CI"))) {
          fail(missing + " (CI=true: in CI the browser test must run, not be skipped)");
        }
        abort(missing);
      }
      Files.createDirectories(SCREENSHOTS);
      return new Browser(chromium, chromedriver);
    }

    WebDriver start() throws Exception {
      return browser(chromium, chromedriver);
    }
  }

  @Test
  void readerSeesTheTestAlertAndAdminDismissesIt() throws Exception {
    Browser installed = Browser.findOrSkip();

    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir))) {
      HttpClient http = HttpClient.newBuilder()
          .sslContext(TlsMaterial.clientContextTrusting(server.caCertificate())).build();
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      String reader = Json.mapper().readTree(post(http, server, admin, "/v1/tokens", "{\"role\":\"reader\"}"))
          .get("token").asText();
      raiseTestAlert(http, server, admin);

      WebDriver driver = installed.start();
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

        signIn(driver, wait, server, reader);
        showAlerts(driver, wait);
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#alerts-body tr[data-type='K8S_TestAlert']")));
        assertThat(row.getText()).contains("Test alert for Kubernetes", "demo", "Active");
        row.click();
        wait.until(ExpectedConditions.textToBe(By.id("d-title"), "Test alert for Kubernetes (not a threat)"));
        assertThat(driver.findElement(By.id("d-remediation")).getText()).contains("No action is needed");
        assertThat(driver.findElement(By.id("d-events")).getText()).contains("vigil-simulate", "127.0.0.1");
        assertThat(driver.findElement(By.id("d-triage")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("btn-dismiss")).isDisplayed()).isFalse();
        screenshot(driver, "reader-alert.png");
        driver.findElement(By.id("tab-clusters")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clusters-body"), "demo"));
        assertThat(driver.findElement(By.id("clusters-body")).getText()).containsPattern("Pending|Healthy|Unhealthy");
        screenshot(driver, "reader-clusters.png");
        driver.findElement(By.id("sign-out")).click();

        signIn(driver, wait, server, admin);
        showAlerts(driver, wait);
        wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#alerts-body tr[data-type='K8S_TestAlert']"))).click();
        WebElement dismiss = wait.until(ExpectedConditions.elementToBeClickable(By.id("btn-dismiss")));
        driver.findElement(By.id("d-comment")).sendKeys("connectivity confirmed");
        dismiss.click();
        wait.until(ExpectedConditions.textToBe(By.id("d-status"), "Dismissed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#alerts-body tr[data-type='K8S_TestAlert'] .status-cell"), "Dismissed"));
        assertThat(driver.findElement(By.id("d-history")).getText()).contains("Dismissed by admin:", "connectivity confirmed");
        assertThat(driver.findElement(By.id("btn-reopen")).isDisplayed()).isTrue();
        screenshot(driver, "admin-dismissed.png");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
      } finally {
        driver.quit();
      }
      assertThat(get(http, server, reader, "/v1/alerts?type=K8S_TestAlert")).contains("\"Dismissed\"");
    }
  }

  /** Registers cluster {@code demo}, simulates the test alert there and waits until the API lists it. */
  static void raiseTestAlert(HttpClient http, VigilServer server, String admin) throws Exception {
    post(http, server, admin, "/v1/clusters", "{\"name\":\"demo\"}");
    post(http, server, admin, "/v1/clusters/demo/simulate", "");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        get(http, server, admin, "/v1/alerts?type=K8S_TestAlert").contains("K8S_TestAlert"));
  }

  static WebDriver browser(Path chromium, Path chromedriver) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--window-size=1440,900", "--user-data-dir=" + Files.createTempDirectory("vigil-chromium").toAbsolutePath());
    // The server's certificate is the self-signed one vigil up generates.
    options.setAcceptInsecureCerts(true);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver.toString())).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Signs in and waits for the home page, the overview. */
  static void signIn(WebDriver driver, WebDriverWait wait, VigilServer server, String token) {
    driver.get(server.url() + "/");
    WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    input.sendKeys(token);
    driver.findElement(By.id("signin-submit")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-overview")));
  }

  private static void showAlerts(WebDriver driver, WebDriverWait wait) {
    driver.findElement(By.id("tab-alerts")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-alerts")));
  }

  static void screenshot(WebDriver driver, String name) throws Exception {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name), png);
  }

  static String post(HttpClient http, VigilServer server, String token, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isBetween(200, 299);
    return r.body();
  }

  static String get(HttpClient http, VigilServer server, String token, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + token)
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

}
