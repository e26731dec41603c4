package dev.vigil.app;

import static dev.vigil.app.DashboardBrowserIT.browser;
import static dev.vigil.app.DashboardBrowserIT.get;
import static dev.vigil.app.DashboardBrowserIT.screenshot;
import static dev.vigil.app.DashboardBrowserIT.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.outputs.receivers.HttpReceiver;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's SOC-response parts in a real headless Chromium against a real {@code vigil up}: an
 * admin adds a Slack-format output, tests it (a real receiver gets the message), and suppresses alerts
 * like the test alert from its detail. Skipped or failed like {@link DashboardBrowserIT}.
 */
class SocDashboardBrowserIT {
  @TempDir Path dir;

  @Test
  void anAdminAddsAndTestsAnOutputAndSuppressesAlertsLikeOne() throws Exception {
    DashboardBrowserIT.Browser installed = DashboardBrowserIT.Browser.findOrSkip();

    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir));
        HttpReceiver slack = new HttpReceiver(null).start()) {
      HttpClient http = HttpClient.newBuilder()
          .sslContext(TlsMaterial.clientContextTrusting(server.caCertificate())).build();
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      DashboardBrowserIT.raiseTestAlert(http, server, admin);

      WebDriver driver = installed.start();
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        signIn(driver, wait, server, admin);

        driver.findElement(By.id("tab-outputs")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("output-form")));
        new Select(driver.findElement(By.cssSelector("#output-form select[name=kind]"))).selectByVisibleText("slack");
        driver.findElement(By.cssSelector("#output-form input[name=url]")).sendKeys(slack.url("/services/T/B/x"));
        driver.findElement(By.cssSelector("#output-form input[name=name]")).sendKeys("soc-channel");
        driver.findElement(By.cssSelector("#output-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outputs-body"), "soc-channel"));
        driver.findElement(By.xpath("//tbody[@id='outputs-body']//button[text()='Test']")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        assertThat(slack.accepted()).anyMatch(r -> r.text().contains("Vigil test message"));
        screenshot(driver, "admin-outputs.png");

        driver.findElement(By.id("tab-alerts")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#alerts-body tr[data-type='K8S_TestAlert']"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("btn-suppress"))).click();
        var prompt = wait.until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys("connectivity checks");
        prompt.accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("d-suppress-status"), "Rule sup_"));
        screenshot(driver, "admin-suppressed.png");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
      } finally {
        driver.quit();
      }
      String rules = get(http, server, admin, "/v1/suppressions");
      assertThat(rules).contains("\"alertType\":\"K8S_TestAlert\"", "\"cluster\":\"demo\"", "connectivity checks");
    }
  }
}
