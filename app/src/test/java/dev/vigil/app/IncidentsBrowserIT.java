package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The overview and incident pages in headless Chromium against a real {@code vigil up}: a scripted
 * four-step attack on cluster {@code prod} (one stolen service-account token lists every secret, binds
 * cluster-admin, starts a privileged deployment and execs into a pod) and unrelated noise on cluster
 * {@code noise}. The overview shows the incident and counts that match the API; the incident page shows
 * the four steps in order with their tactics and follows a triage made elsewhere live; an alert links back
 * to its incident and shows its evidence.
 * Screenshots go to {@code target/screenshots}. Skipped like {@link DashboardBrowserIT} without a browser.
 */
class IncidentsBrowserIT {
  static final String ATTACKER = "system:serviceaccount:shop:web";
  static final List<String> STEPS = List.of("1-list-secrets.json", "2-bind-cluster-admin.json",
      "3-privileged-deployment.json", "4-exec-into-pod.json");
  static final List<String> STEP_TYPES = List.of("VIGIL_SecretAccessBySuspiciousClient", "K8S_ClusterAdminBinding",
      "K8S_PrivilegedContainer", "VIGIL_ExecIntoPod");

  @TempDir Path dir;

  @Test
  void theOverviewAndTheIncidentPageTellTheAttack() throws Exception {
    DashboardBrowserIT.Browser browser = DashboardBrowserIT.Browser.findOrSkip();

    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir))) {
      HttpClient http = HttpClient.newBuilder()
          .sslContext(TlsMaterial.clientContextTrusting(server.caCertificate())).build();
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      String reader = Json.mapper().readTree(DashboardBrowserIT.post(http, server, admin, "/v1/tokens",
          "{\"role\":\"reader\"}")).get("token").asText();
      String prod = token(http, server, admin, "prod");
      String noise = token(http, server, admin, "noise");

      DashboardBrowserIT.post(http, server, prod, "/v1/audit", attack().toString());
      DashboardBrowserIT.post(http, server, admin, "/v1/clusters/noise/simulate", "");
      DashboardBrowserIT.post(http, server, noise, "/v1/audit", noiseEvent().toString());

      JsonNode incident = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(
          () -> {
            JsonNode list = Json.mapper().readTree(DashboardBrowserIT.get(http, server, reader, "/v1/incidents"))
                .get("incidents");
            return list != null && list.size() == 1 && stepTypes(list.get(0)).containsAll(STEP_TYPES)
                ? list.get(0) : null;
          }, i -> i != null);
      assertThat(incident.get("cluster").asText()).isEqualTo("prod");
      await().atMost(Duration.ofSeconds(30)).until(() -> Json.mapper().readTree(
          DashboardBrowserIT.get(http, server, reader, "/v1/alerts?cluster=noise")).get("count").asInt() >= 2);
      JsonNode overview = Json.mapper().readTree(DashboardBrowserIT.get(http, server, reader, "/v1/overview"));
      long prodAlerts = Json.mapper().readTree(DashboardBrowserIT.get(http, server, reader, "/v1/alerts?cluster=prod"))
          .get("count").asLong();
      long noiseAlerts = Json.mapper().readTree(DashboardBrowserIT.get(http, server, reader, "/v1/alerts?cluster=noise"))
          .get("count").asLong();
      assertThat(overview.get("alerts").get("total").asLong()).isEqualTo(prodAlerts + noiseAlerts);
      assertThat(overview.get("incidents").get("open").asLong()).isEqualTo(1);

      WebDriver driver = browser.start();
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        DashboardBrowserIT.signIn(driver, wait, server, reader);

        // The overview is the home page.
        wait.until(ExpectedConditions.textToBe(By.id("kpi-incidents"), "1"));
        assertThat(driver.findElement(By.id("view-overview")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("kpi-alerts")).getText()).isEqualTo(String.valueOf(prodAlerts + noiseAlerts));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-time canvas")));
        assertThat(driver.findElement(By.id("chart-time")).getAttribute("data-total"))
            .isEqualTo(String.valueOf(prodAlerts + noiseAlerts));
        assertThat(driver.findElement(By.cssSelector("#ov-clusters li[data-label='prod']")).getAttribute("data-value"))
            .isEqualTo(String.valueOf(prodAlerts));
        assertThat(driver.findElement(By.cssSelector("#ov-clusters li[data-label='noise']")).getAttribute("data-value"))
            .isEqualTo(String.valueOf(noiseAlerts));
        assertThat(driver.findElements(By.cssSelector("#ov-types li"))).hasSizeGreaterThanOrEqualTo(5);
        assertThat(driver.findElements(By.cssSelector("#ov-matrix .cell.fired[data-technique='T1609']"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#ov-matrix .cell.covered"))).isNotEmpty();
        WebElement row = driver.findElement(By.cssSelector("#ov-incidents-body tr[data-id='" + incident.get("id").asText() + "']"));
        assertThat(row.getText()).contains("prod", ATTACKER);
        DashboardBrowserIT.screenshot(driver, "overview.png");

        // The incident page: the four steps in order, with the tactics in kill-chain order.
        row.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("incident")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("i-title"), ATTACKER));
        List<String> timeline = new ArrayList<>();
        for (WebElement step : driver.findElements(By.cssSelector("#i-timeline li"))) {
          timeline.add(step.getAttribute("data-alert-type"));
        }
        assertThat(timeline.stream().filter(STEP_TYPES::contains).distinct().toList()).isEqualTo(STEP_TYPES);
        List<String> tactics = driver.findElements(By.cssSelector("#i-tactics li")).stream()
            .map(WebElement::getText).toList();
        assertThat(tactics).containsSubsequence("Execution", "Persistence", "PrivilegeEscalation", "CredentialAccess");
        assertThat(driver.findElement(By.id("i-triage")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.cssSelector("#incidents-body tr[data-id='" + incident.get("id").asText() + "']"))
            .getText()).contains("prod");
        DashboardBrowserIT.screenshot(driver, "incident.png");

        // An admin elsewhere starts investigating: the open page follows through the incident stream.
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(
                URI.create(server.url() + "/v1/incidents/" + incident.get("id").asText()))
            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"InProgress\",\"comment\":\"on it\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        wait.until(ExpectedConditions.textToBe(By.id("i-status"), "InProgress"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("i-history"), "on it"));

        // A step opens its alert, which links back to the incident and shows its evidence.
        driver.findElement(By.cssSelector("#i-timeline li[data-alert-type='K8S_PrivilegedContainer']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("d-type"), "K8S_PrivilegedContainer"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("d-incident"), ATTACKER));
        assertThat(driver.findElement(By.id("d-evidence")).getText()).contains("\"auditIds\"", "\"request\"");
        DashboardBrowserIT.screenshot(driver, "alert-evidence.png");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
      } finally {
        driver.quit();
      }
    }
  }

  private static List<String> stepTypes(JsonNode incident) {
    List<String> types = new ArrayList<>();
    incident.get("alerts").forEach(a -> types.add(a.get("alertType").asText()));
    return types;
  }

  private static String token(HttpClient http, VigilServer server, String admin, String cluster) throws Exception {
    return Json.mapper().readTree(DashboardBrowserIT.post(http, server, admin, "/v1/clusters",
        "{\"name\":\"" + cluster + "\"}")).get("token").asText();
  }

  /** The four steps as one principal, a minute apart, ending now. */
  static ArrayNode attack() throws Exception {
    ArrayNode events = Json.mapper().createArrayNode();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(STEPS.size()));
    for (int i = 0; i < STEPS.size(); i++) {
      ObjectNode event = load(STEPS.get(i));
      ((ObjectNode) event.get("user")).put("username", ATTACKER);
      at(event, start.plus(Duration.ofMinutes(i)));
      events.add(event);
    }
    return events;
  }

  /** Another user's privileged deployment on the noise cluster. */
  static ArrayNode noiseEvent() throws Exception {
    ObjectNode event = load("3-privileged-deployment.json");
    at(event, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    return Json.mapper().createArrayNode().add(event);
  }

  private static void at(ObjectNode event, Instant time) {
    event.put("auditID", UUID.randomUUID().toString());
    event.put("requestReceivedTimestamp", time.toString());
    event.put("stageTimestamp", time.plusMillis(30).toString());
  }

  private static ObjectNode load(String name) throws Exception {
    try (InputStream in = IncidentsBrowserIT.class.getResourceAsStream("/attack-story/" + name)) {
      return (ObjectNode) Json.mapper().readTree(in);
    }
  }
}
