package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.app.settings.ServerOptions;
import dev.vigil.app.settings.Setting;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.app.settings.VigilDefaults;
import dev.vigil.schemas.testing.Corpus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code deploy/kubernetes} against the real thing: each container's arguments and environment parsed
 * by the real {@code vigil} command line into the configuration the server would validate, its memory
 * limit against the budget that configuration carries, its probes against the real router, and the
 * security settings every pod must have.
 */
class KubernetesManifestsTest {
  private static final Path REPOSITORY = Corpus.repositoryRoot();
  private static final Path MANIFESTS = REPOSITORY.resolve("deploy").resolve("kubernetes");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet");

  @TempDir Path dir;

  /** One document of one manifest file. */
  private record Resource(String file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    JsonNode pod() {
      return node.path("spec").path("template").path("spec");
    }
  }

  /** A server container of a workload, parsed by the real command line as the launcher and server would. */
  private record Server(Resource workload, JsonNode container, List<String> args, Map<String, String> env,
      VigilDefaults defaults, VigilConfig config) {
    String what() {
      return describe(workload, container);
    }

    JsonNode pod() {
      return workload.pod();
    }
  }

  private static String describe(Resource workload, JsonNode container) {
    return workload.file() + " " + workload.name() + "/" + container.path("name").asText();
  }

  private static List<Path> manifestFiles() throws IOException {
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }

  private static List<Resource> resources() throws IOException {
    List<Resource> all = new ArrayList<>();
    for (Path file : manifestFiles()) {
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            all.add(new Resource(file.getFileName().toString(), doc));
          }
        }
      }
    }
    return all;
  }

  private static List<Resource> workloads() throws IOException {
    return resources().stream().filter(r -> WORKLOAD_KINDS.contains(r.kind())).toList();
  }

  private static List<Server> servers() throws IOException {
    List<Resource> all = resources();
    List<Server> servers = new ArrayList<>();
    for (Resource workload : all) {
      if (WORKLOAD_KINDS.contains(workload.kind())) {
        for (JsonNode container : workload.pod().path("containers")) {
          servers.add(server(workload, container, all));
        }
      }
    }
    assertThat(servers).as("server containers in " + MANIFESTS).isNotEmpty();
    return servers;
  }

  /**
   * Parses a container as {@code ./vigil} would: its args are the command line (the image's entrypoint
   * is the launcher), its {@code VIGIL_*} variables the option defaults; the config file is the
   * operator's Secret, so it is named but not read here.
   */
  private static Server server(Resource workload, JsonNode container, List<Resource> all) {
    String what = describe(workload, container);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    assertThat(container.has("command")).as(what + " keeps the image's entrypoint, the ./vigil launcher").isFalse();
    assertThat(container.has("envFrom")).as(what + " names each setting in env").isFalse();
    assertThat(args).as(what + " args").isNotEmpty().noneMatch(a -> a.contains("$("));
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      if (variable.has("value")) {
        env.put(name, variable.path("value").asText());
      } else {
        JsonNode ref = variable.path("valueFrom").path("configMapKeyRef");
        assertThat(ref.isMissingNode()).as(what + " " + name + ": a value or a ConfigMap key of these manifests").isFalse();
        env.put(name, configMapValue(all, ref.path("name").asText(), ref.path("key").asText(), what));
      }
    }
    VigilDefaults defaults = new VigilDefaults(env, null);
    RoleCommand command = parse(defaults, args, what);
    VigilConfig config;
    try {
      config = ServerOptions.toConfig(command.spec, command.roles());
    } catch (StartupException e) {
      throw new AssertionError(what + ": the server would refuse to start: " + e.getMessage(), e);
    }
    return new Server(workload, container, List.copyOf(args), env, defaults, config);
  }

  /** {@code args} parsed by the real {@code vigil} command line, which must take them as a server verb. */
  private static RoleCommand parse(VigilDefaults defaults, List<String> args, String what) {
    CommandLine cli = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        defaults);
    CommandLine.ParseResult sub;
    try {
      sub = cli.parseArgs(args.toArray(String[]::new)).subcommand();
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(what + ": vigil " + String.join(" ", args) + " does not parse: " + e.getMessage(), e);
    }
    assertThat(sub).as(what + " runs a vigil verb").isNotNull();
    assertThat(sub.commandSpec().userObject()).as(what + " runs a server verb").isInstanceOf(RoleCommand.class);
    return (RoleCommand) sub.commandSpec().userObject();
  }

  private static String configMapValue(List<Resource> all, String name, String key, String what) {
    for (Resource r : all) {
      if (r.kind().equals("ConfigMap") && r.name().equals(name) && r.node().path("data").has(key)) {
        return r.node().path("data").path(key).asText();
      }
    }
    return fail(what + " reads key " + key + " of ConfigMap " + name + ", which these manifests do not define");
  }

  /** Bytes of a Kubernetes quantity: {@code 1Gi}, {@code 1280Mi}, {@code 1G}; {@code m} is milli, as Kubernetes reads it. */
  static long quantityBytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?").matcher(quantity);
    if (!m.matches()) {
      return fail("'" + quantity + "' is not a Kubernetes quantity this test reads");
    }
    BigDecimal value = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    BigDecimal bytes = switch (unit) {
      case "Ki" -> value.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi" -> value.multiply(BigDecimal.valueOf(1L << 20));
      case "Gi" -> value.multiply(BigDecimal.valueOf(1L << 30));
      case "Ti" -> value.multiply(BigDecimal.valueOf(1L << 40));
      case "k" -> value.scaleByPowerOfTen(3);
      case "M" -> value.scaleByPowerOfTen(6);
      case "G" -> value.scaleByPowerOfTen(9);
      case "T" -> value.scaleByPowerOfTen(12);
      case "m" -> value.scaleByPowerOfTen(-3);
      default -> value;
    };
    return bytes.longValue();
  }

  @Test
  void quantitiesAreReadAsKubernetesReadsThem() {
    assertThat(quantityBytes("1Gi")).isEqualTo(1L << 30);
    assertThat(quantityBytes("1280Mi")).isEqualTo(1280L << 20);
    assertThat(quantityBytes("1G")).isEqualTo(1_000_000_000L);
    assertThat(quantityBytes("1073741824")).isEqualTo(1L << 30);
    // Vigil's budget reads "768m" as 768 MiB; Kubernetes reads it as 0.768 bytes.
    assertThat(quantityBytes("768m")).isZero();
  }

  @Test
  void theKustomizationAppliesEveryManifestWithTheImageOfTheDockerfile() throws IOException {
    JsonNode kustomization = YAML.readTree(MANIFESTS.resolve("kustomization.yaml").toFile());
    Set<String> listed = new TreeSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = new TreeSet<>();
    manifestFiles().forEach(f -> files.add(f.getFileName().toString()));
    assertThat(listed).isEqualTo(files);

    Set<String> images = new TreeSet<>();
    for (Resource workload : workloads()) {
      for (String field : List.of("initContainers", "containers")) {
        workload.pod().path(field).forEach(c -> images.add(c.path("image").asText()));
      }
    }
    // The root Dockerfile builds the image that compose calls vigil:latest; kustomize names its tag.
    assertThat(images).containsExactly("vigil");
    assertThat(kustomization.path("images").findValuesAsText("name")).containsExactly("vigil");
    assertThat(kustomization.path("namespace").asText()).isEqualTo("vigil");
    assertThat(resources()).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo("Namespace");
      assertThat(r.name()).isEqualTo("vigil");
    });
  }

  @Test
  void eachRoleRunsAgainstKafkaAsItsOwnWorkloadDetectWithItsStateOnAVolumeClaim() throws IOException {
    Map<Set<Role>, String> kinds = new LinkedHashMap<>();
    for (Server server : servers()) {
      assertThat(server.config().roles()).as(server.what()).hasSize(1);
      assertThat(kinds.put(server.config().roles(), server.workload().kind())).as(server.what() + ": one workload per role")
          .isNull();
      assertThat(server.config().kafkaBootstrap()).as(server.what() + " --kafka-bootstrap").isNotBlank();
    }
    assertThat(kinds).containsOnly(
        Map.entry(Set.of(Role.GATEWAY), "Deployment"),
        Map.entry(Set.of(Role.DETECT), "StatefulSet"),
        Map.entry(Set.of(Role.ALERTS_API), "Deployment"));

    Server detect = servers().stream().filter(s -> s.config().runs(Role.DETECT)).findFirst().orElseThrow();
    JsonNode dataMount = mountHolding(detect, detect.config().get(Settings.DATA_DIR));
    Set<String> claims = new TreeSet<>(
        detect.workload().node().path("spec").path("volumeClaimTemplates").findValuesAsText("name"));
    assertThat(claims).as("detect's data dir (state stores) lies on a volume claim").contains(dataMount.path("name").asText());
  }

  @Test
  void everySettingIsAnOptionOfTheRealCommandAndTheLauncherStartsEveryRole() throws IOException {
    Set<String> known = new TreeSet<>(VigilDefaults.NON_OPTION_ENV);
    CommandLine cli = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    for (Role role : Role.all()) {
      for (OptionSpec option : cli.getSubcommands().get(role.command).getCommandSpec().options()) {
        known.add(Setting.envName(VigilDefaults.key(option)));
      }
    }
    String launcher = Files.readString(REPOSITORY.resolve("vigil"));
    Matcher verbs = Pattern.compile("case \"\\$\\{1:-}\" in\\s+([a-z|-]+)\\)").matcher(launcher);
    assertThat(verbs.find()).as("the launcher's list of server verbs").isTrue();
    Set<String> budgeted = Set.of(verbs.group(1).split("\\|"));
    String dockerfile = Files.readString(REPOSITORY.resolve("Dockerfile"));
    Matcher copied = Pattern.compile("(?m)^COPY vigil (\\S+)$").matcher(dockerfile);
    assertThat(copied.find()).as("the Dockerfile copies the launcher").isTrue();
    assertThat(dockerfile).as("the image's entrypoint is the launcher")
        .containsPattern("(?m)^ENTRYPOINT \\[\"" + Pattern.quote(copied.group(1)) + "\"]$");

    for (Server server : servers()) {
      assertThat(server.env().keySet()).as(server.what() + " sets only known variables")
          .allMatch(name -> !name.startsWith("VIGIL_") || known.contains(name),
              "is a VIGIL_ variable of an option");
      Role role = server.config().roles().iterator().next();
      assertThat(server.args().get(0)).isEqualTo(role.command);
      assertThat(budgeted).as("the launcher sets the heap of " + role.command).contains(role.command);
    }
  }

  @Test
  void eachContainersMemoryLimitHoldsTheBudgetItIsGiven() throws IOException {
    for (Server server : servers()) {
      String given = server.env().get("VIGIL_MEMORY_BUDGET");
      assertThat(given).as(server.what() + " names its budget beside its limit").isNotNull();
      MemoryBudget budget = server.config().memory();
      assertThat(MemoryBudget.parseSize(given)).as(server.what()).isEqualTo(budget.totalBytes());

      JsonNode resources = server.container().path("resources");
      long limit = quantityBytes(resources.path("limits").path("memory").asText("0"));
      long request = quantityBytes(resources.path("requests").path("memory").asText("0"));
      assertThat(limit).as(server.what() + " memory limit >= its budget " + given).isGreaterThanOrEqualTo(budget.totalBytes());
      assertThat(limit).as(server.what() + " memory limit: the budget plus a quarter (README, Sizing)")
          .isGreaterThanOrEqualTo(budget.totalBytes() + budget.totalBytes() / 4);
      assertThat(request).as(server.what() + " requests the memory it may use").isEqualTo(limit);

      // What ./vigil starts the JVM with, read from the same arguments and environment.
      assertThat(JvmOptions.launcherOptions(server.defaults(), server.env().getOrDefault(JvmOptions.JAVA_OPTS_ENV, ""),
          server.args().toArray(String[]::new)))
          .as(server.what() + " JVM options").isNotEmpty().startsWith(budget.jvmOptions().toArray(String[]::new))
          .endsWith(JvmOptions.COLLECTOR);
      assertThat(server.env().getOrDefault("VIGIL_JAVA_OPTS", "")).as(server.what() + " leaves the heap to the budget")
          .doesNotContain("-Xmx", "-Xms", "MaxRAM", "MaxDirectMemorySize");
    }
  }

  @Test
  void probesAskPathsTheServerServesLivenessStayingUpWhileNotReady() throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      for (Server server : servers()) {
        int ready = serve(vertx, server, () -> true);
        int notReady = serve(vertx, server, () -> false);
        JsonNode container = server.container();
        for (String kind : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          JsonNode get = container.path(kind).path("httpGet");
          String what = server.what() + " " + kind;
          assertThat(get.isMissingNode()).as(what + " is an HTTP probe").isFalse();
          assertThat(get.path("scheme").asText()).as(what + " scheme").isEqualTo("HTTPS");
          assertThat(containerPort(container, get.path("port"))).as(what + " port").isEqualTo(server.config().get(Settings.PORT));
          String path = get.path("path").asText();
          assertThat(status(http, ready, path)).as(what + " GET " + path).isEqualTo(200);
          int whileNotReady = status(http, notReady, path);
          if (kind.equals("readinessProbe")) {
            assertThat(whileNotReady).as(what + " fails while Streams or the registry are not ready").isEqualTo(503);
          } else {
            assertThat(whileNotReady).as(what + " passes while the process is up but not ready").isEqualTo(200);
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The routes a process with {@code server}'s configuration serves, on a plain-HTTP port. */
  private static int serve(Vertx vertx, Server server, BooleanSupplier ready) throws Exception {
    Router router = Router.router(vertx);
    ApiRouter.configure(router, new ApiRouter.Parts(null, null, null, null, null, null, null, null,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ready, server.config().api(), null));
    HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return http.actualPort();
  }

  private static int status(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int containerPort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return fail("no container port named " + port.asText());
  }

  @Test
  void everyContainerRunsAsNonRootWithoutCapabilitiesOnAReadOnlyRoot() throws IOException {
    for (Resource workload : workloads()) {
      JsonNode pod = workload.pod();
      JsonNode podSecurity = pod.path("securityContext");
      assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(workload.name()).isFalse();
      // Service links would add VIGIL_<SERVICE>_PORT=tcp://... variables, read as options.
      assertThat(pod.path("enableServiceLinks").asBoolean(true)).as(workload.name() + " enableServiceLinks").isFalse();
      assertThat(podSecurity.path("seccompProfile").path("type").asText()).as(workload.name()).isEqualTo("RuntimeDefault");
      List<JsonNode> containers = new ArrayList<>();
      pod.path("initContainers").forEach(containers::add);
      pod.path("containers").forEach(containers::add);
      for (JsonNode container : containers) {
        String what = workload.name() + "/" + container.path("name").asText();
        JsonNode security = container.path("securityContext");
        assertThat(security.has("runAsNonRoot") ? security.path("runAsNonRoot").asBoolean()
            : podSecurity.path("runAsNonRoot").asBoolean()).as(what + " runAsNonRoot").isTrue();
        // The image's user is a name, which the kubelet cannot check against runAsNonRoot: give a number.
        JsonNode user = security.has("runAsUser") ? security.path("runAsUser") : podSecurity.path("runAsUser");
        assertThat(user.isInt() && user.asInt() > 0).as(what + " runAsUser " + user).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what + " allowPrivilegeEscalation").isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what + " readOnlyRootFilesystem").isTrue();
        List<String> dropped = new ArrayList<>();
        security.path("capabilities").path("drop").forEach(c -> dropped.add(c.asText()));
        assertThat(dropped).as(what + " drops").contains("ALL");
        assertThat(security.path("capabilities").path("add").isEmpty()).as(what + " adds no capability").isTrue();
        assertThat(security.path("privileged").asBoolean()).as(what + " privileged").isFalse();
      }
    }
  }

  /** The volume mount of {@code server}'s container under which {@code path} lies. */
  private static JsonNode mountHolding(Server server, Path path) {
    assertThat(path).as(server.what() + ": a path the manifests can place").isAbsolute();
    Path absolute = path.normalize();
    JsonNode best = null;
    for (JsonNode mount : server.container().path("volumeMounts")) {
      Path at = Path.of(mount.path("mountPath").asText());
      if (absolute.startsWith(at)
          && (best == null || at.getNameCount() > Path.of(best.path("mountPath").asText()).getNameCount())) {
        best = mount;
      }
    }
    return best != null ? best : fail(server.what() + ": " + path + " lies on no volume (the root file system is read-only)");
  }

  private static JsonNode volume(Server server, String name) {
    for (JsonNode volume : server.pod().path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    return null;
  }

  @Test
  void whatTheServerWritesLiesOnWritableVolumesAndWhatItReadsOnSecrets() throws IOException {
    for (Server server : servers()) {
      VigilConfig config = server.config();
      // The data dir is a directory below the volume's root: Vigil makes it 0700, which it cannot do to a
      // mount point that root owns.
      JsonNode data = mountHolding(server, config.get(Settings.DATA_DIR));
      assertThat(config.get(Settings.DATA_DIR)).as(server.what() + " data dir").isAbsolute()
          .isNotEqualTo(Path.of(data.path("mountPath").asText()));
      assertThat(data.path("readOnly").asBoolean()).as(server.what() + " data dir writable").isFalse();
      assertThat(mountHolding(server, Path.of("/tmp", "librocksdbjni.so")).path("readOnly").asBoolean())
          .as(server.what() + " /tmp writable").isFalse();

      List<Path> read = new ArrayList<>(List.of(config.get(Settings.TLS_CERT), config.get(Settings.TLS_KEY)));
      read.add(Path.of(server.env().get(VigilDefaults.CONFIG_ENV)));
      for (Path file : read) {
        JsonNode mount = mountHolding(server, file);
        assertThat(mount.path("readOnly").asBoolean()).as(server.what() + " " + file + " read-only").isTrue();
        JsonNode volume = volume(server, mount.path("name").asText());
        assertThat(volume).as(server.what() + " volume of " + file).isNotNull();
        assertThat(volume.path("secret").path("secretName").asText()).as(server.what() + " " + file + " from a Secret")
            .isNotBlank();
      }
    }
  }

  @Test
  void servicesAndDisruptionBudgetsSelectTheirRolesPods() throws IOException {
    List<Resource> all = resources();
    int services = 0;
    for (Resource r : all) {
      if (!r.kind().equals("Service") && !r.kind().equals("PodDisruptionBudget")) {
        continue;
      }
      JsonNode selector = r.kind().equals("Service") ? r.node().path("spec").path("selector")
          : r.node().path("spec").path("selector").path("matchLabels");
      assertThat(selector.isEmpty()).as(r.kind() + " " + r.name() + " selector").isFalse();
      List<Resource> selected = workloads().stream().filter(w -> {
        JsonNode labels = w.node().path("spec").path("template").path("metadata").path("labels");
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
          if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
            return false;
          }
        }
        return true;
      }).toList();
      assertThat(selected).as(r.kind() + " " + r.name() + " selects one workload").hasSize(1);
      if (r.kind().equals("Service")) {
        services++;
        for (JsonNode port : r.node().path("spec").path("ports")) {
          JsonNode container = selected.get(0).pod().path("containers").get(0);
          containerPort(container, port.path("targetPort"));
        }
      }
    }
    assertThat(services).isEqualTo(3);
    Resource detect = all.stream().filter(r -> r.kind().equals("StatefulSet")).findFirst().orElseThrow();
    String governing = detect.node().path("spec").path("serviceName").asText();
    assertThat(all).as("detect's governing Service " + governing)
        .anyMatch(r -> r.kind().equals("Service") && r.name().equals(governing));
  }

  @Test
  void theReadmeCreatesEverySecretAndItsKafkaSettingsParse() throws IOException {
    String readme = Files.readString(REPOSITORY.resolve("deploy").resolve("README.md"));
    Set<String> secrets = new TreeSet<>();
    for (Resource workload : workloads()) {
      workload.pod().path("volumes").forEach(v -> {
        if (v.has("secret")) {
          secrets.add(v.path("secret").path("secretName").asText());
        }
      });
    }
    assertThat(secrets).isNotEmpty();
    for (String secret : secrets) {
      assertThat(readme).as("deploy/README.md creates Secret " + secret)
          .containsPattern("kubectl -n vigil create secret (generic|tls) " + Pattern.quote(secret) + " ");
    }

    // The README's example of a role's vigil.yaml is a config file the server accepts.
    Matcher example = Pattern.compile("```yaml\\n(# vigil\\.yaml\\b.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(example.find()).as("deploy/README.md has an example vigil.yaml").isTrue();
    Path file = Files.writeString(dir.resolve("vigil.yaml"), example.group(1));
    for (Server server : servers()) {
      Map<String, String> env = new LinkedHashMap<>(server.env());
      env.put(VigilDefaults.CONFIG_ENV, file.toString());
      VigilDefaults defaults = VigilDefaults.forArgs(env, server.args().toArray(String[]::new));
      RoleCommand command = parse(defaults, server.args(), server.what());
      VigilConfig config = ServerOptions.toConfig(command.spec, command.roles());
      assertThat(config.kafka().client()).as(server.what() + " with the example vigil.yaml")
          .containsKey("security.protocol");
    }
  }
}
