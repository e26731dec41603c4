package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.Corpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, run as written: the commands of its code blocks, parsed from README.md,
 * each as a {@code vigil} process of its own in a working directory whose {@code ./data} belongs to a
 * running {@code vigil up}, in the README's order, each checked against what its comment promises. A
 * command the test has no expectation for fails it, so the README and the code cannot drift apart.
 * Only the agent's line is adapted: {@code vigil} (the server's host name as a node sees it) and its
 * two node paths are replaced by this test's server and folders.
 */
class QuickStartIT {
  private static final String AGENT_SERVER = "https://vigil:8443";
  private static final String AGENT_LOG = "/var/log/kube-apiserver/audit.log";
  private static final String AGENT_STATE = "/var/lib/vigil-agent";

  @TempDir Path work;
  private final List<Process> background = new ArrayList<>();

  @AfterEach
  void stopBackground() throws InterruptedException {
    for (Process process : background) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  record Run(int exit, String out) {}

  /** The {@code ./vigil} commands of the quick start's code blocks, each split into its arguments. */
  static List<List<String>> quickStartCommands(String readme) {
    int start = readme.indexOf("\n## Quick start");
    assertThat(start).as("README.md has a '## Quick start' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<List<String>> commands = new ArrayList<>();
    Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      String joined = block.group(1).replaceAll("\\\\\n", " ");
      for (String line : joined.split("\n")) {
        String command = line.replaceFirst("(^|\\s)#.*$", "").trim();
        if (!command.isEmpty()) {
          commands.add(List.of(command.split("\\s+")));
        }
      }
    }
    return commands;
  }

  @Test
  void theQuickStartOfTheReadmeRunsAsWritten() throws Exception {
    List<List<String>> commands =
        quickStartCommands(Files.readString(Corpus.repositoryRoot().resolve("README.md")));
    assertThat(commands).as("the quick start's first two commands")
        .startsWith(List.of("./vigil", "up"), List.of("mvn", "-B", "verify"));
    // The quick start runs from the repository root: its data lives in ./data, its files beside it.
    Files.createSymbolicLink(work.resolve("testdata"), Corpus.root());
    Path data = work.resolve("data");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      for (List<String> command : commands.subList(2, commands.size())) {
        assertThat(command.get(0)).as("a quick-start command: " + command).isEqualTo("./vigil");
        runAndCheck(server, command.subList(1, command.size()));
      }
      // The reader's Ctrl-C: an `alerts --follow` still connected would hold the server's graceful
      // shutdown for its whole drain timeout (10 s).
      stopBackground();
    }
  }

  /** Runs one quick-start command and checks what the README says of it. */
  private void runAndCheck(VigilServer server, List<String> args) throws Exception {
    String verb = args.get(0) + (Set.of("cluster", "token").contains(args.get(0)) ? " " + args.get(1) : "")
        + (args.contains("--follow") ? " --follow" : "");
    switch (verb) {
      case "cluster add" -> {
        Run add = succeeds(args);
        assertThat(add.out()).contains("Ingest token", "vigil agent --server", "--audit-webhook-config-file");
        int tokenOut = args.indexOf("--token-out");
        if (tokenOut >= 0) {
          Path token = work.resolve(args.get(tokenOut + 1));
          assertThat(add.out()).contains(Files.readString(token).trim());
          assertThat(Files.getPosixFilePermissions(token))
              .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
      }
      case "simulate" -> assertThat(succeeds(args).out()).contains("Test event sent");
      case "alerts" -> await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(succeeds(args).out()).contains("K8S_TestAlert", "demo"));
      case "cluster list" -> assertThat(succeeds(args).out()).containsPattern("demo .*(Pending|Healthy)");
      case "send" -> {
        assertThat(succeeds(args).out()).contains("accepted 1, rejected 0");
        await().atMost(Duration.ofSeconds(30)).until(() -> hasAlert("K8S_PrivilegedContainer"));
      }
      case "cluster show" -> assertThat(succeeds(args).out()).contains("Install state:     Healthy");
      case "agent" -> {
        long before = eventsReceived("demo");
        appendAuditEvent("quick-start-1");
        background.add(start(agentOnThisMachine(server, args), work.resolve("agent.out")));
        await().atMost(Duration.ofSeconds(60)).until(() -> eventsReceived("demo") == before + 1);
      }
      case "cluster rm" -> {
        assertThat(succeeds(args).out()).contains("removed");
        Process agent = background.get(background.size() - 1);
        appendAuditEvent("quick-start-2");
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the running agent exits after cluster rm").isTrue();
        assertThat(agent.exitValue()).as(Files.readString(work.resolve("agent.out"))).isEqualTo(3);
      }
      case "token create" -> assertThat(succeeds(args).out()).contains("Token (shown once", "vga_");
      case "token list" -> assertThat(succeeds(args).out())
          .contains("ID", "LAST USED", "reader", "admin", "vigil up admin token")
          .doesNotContain("vga_");
      case "alerts --follow" -> {
        Path out = work.resolve("follow.out");
        Process follow = start(vigilProcess(args), out);
        background.add(follow);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("K8S_TestAlert"));
        assertThat(follow.isAlive()).as("alerts --follow keeps running").isTrue();
      }
      default -> fail("README.md's quick start runs `./vigil " + String.join(" ", args)
          + "`, which QuickStartIT has no expectation for: add one");
    }
  }

  private List<String> vigilProcess(List<String> args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dvigil.log.dir=" + work.resolve("cli-logs"), "-cp", System.getProperty("java.class.path"),
        Vigil.class.getName()));
    command.addAll(args);
    return command;
  }

  private Process start(List<String> command, Path output) throws IOException {
    return new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
  }

  /**
   * Runs {@code ./vigil ARGS} in the working directory and expects exit status 0. A connect timeout
   * (a fresh JVM's TLS handshake on a machine loaded by parallel builds) is retried: the request was
   * never sent, so any verb may be run again.
   */
  private Run succeeds(List<String> args) throws Exception {
    Run run = null;
    for (int attempt = 0; attempt < 3 && (run == null || run.out().contains("HttpConnectTimeoutException")); attempt++) {
      Path output = Files.createTempFile(work, "vigil", ".out");
      Process process = start(vigilProcess(args), output);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("./vigil " + args + " ends").isTrue();
      run = new Run(process.exitValue(), Files.readString(output));
    }
    assertThat(run.exit()).as("./vigil " + String.join(" ", args) + "\n" + run.out()).isZero();
    return run;
  }

  /** The agent's line with the node's host name and paths replaced by this machine's. */
  private List<String> agentOnThisMachine(VigilServer server, List<String> args) {
    assertThat(args).as("the agent line names the placeholders this test replaces")
        .contains(AGENT_SERVER, AGENT_LOG, AGENT_STATE);
    Path logs = work.resolve("kube-apiserver");
    List<String> local = new ArrayList<>();
    for (String arg : args) {
      local.add(switch (arg) {
        case AGENT_SERVER -> server.url();
        case AGENT_LOG -> logs.resolve("audit.log").toString();
        case AGENT_STATE -> work.resolve("agent-state").toString();
        default -> arg;
      });
    }
    return vigilProcess(local);
  }

  private void appendAuditEvent(String auditId) throws IOException {
    String event = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
        + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces\",\"verb\":\"list\","
        + "\"user\":{\"username\":\"alice\"},\"objectRef\":{\"resource\":\"namespaces\",\"apiVersion\":\"v1\"},"
        + "\"responseStatus\":{\"code\":200},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}\n";
    Files.createDirectories(work.resolve("kube-apiserver"));
    Files.writeString(work.resolve("kube-apiserver/audit.log"), event, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Checks made in this JVM, with the data dir's absolute path, so they cost no process. */
  private JsonNode inProcess(String... args) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--json", "--data-dir", work.resolve("data").toString()));
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(all.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isZero();
    return Json.mapper().readTree(out.toString());
  }

  private boolean hasAlert(String type) throws IOException {
    for (JsonNode alert : inProcess("alerts")) {
      if (alert.path("alertType").asText().equals(type)) {
        return true;
      }
    }
    return false;
  }

  private long eventsReceived(String cluster) throws IOException {
    return inProcess("cluster", "show", cluster).path("eventsReceived").asLong();
  }
}
