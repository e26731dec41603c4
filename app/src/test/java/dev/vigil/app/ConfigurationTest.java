package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.app.settings.ServerOptions;
import dev.vigil.app.settings.Setting;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.app.settings.VigilDefaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class ConfigurationTest {
  @TempDir Path dir;

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("docker-compose.yml")) ? here : here.getParent();
  }

  /** Parses {@code args} of a server command and returns its validated configuration. */
  private static VigilConfig configOf(VigilDefaults defaults, String... args) {
    CommandLine cli = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        defaults);
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    CommandLine.ParseResult sub = parsed.subcommand();
    Object command = sub.commandSpec().userObject();
    if (!(command instanceof RoleCommand server)) {
      throw new AssertionError("not a server command: " + command);
    }
    return ServerOptions.toConfig(sub.commandSpec(), server.roles());
  }

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheConfigFile() throws Exception {
    Path file = Files.writeString(dir.resolve("vigil.yaml"), """
        port: 9001
        stream-threads: 3
        alert-window: PT5M
        hostname: [a.example, b.example]
        kafka-property:
          security.protocol: SSL
          ssl.truststore.type: PEM
        """);
    VigilDefaults defaults = new VigilDefaults(Map.of("VIGIL_STREAM_THREADS", "2"), file);
    VigilConfig config = configOf(defaults, "up", "--data-dir", dir.toString(), "--alert-window", "PT2M");
    assertThat(config.get(Settings.PORT)).isEqualTo(9001);
    assertThat(config.get(Settings.STREAM_THREADS)).isEqualTo(2);
    assertThat(config.get(Settings.ALERT_WINDOW)).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.get(Settings.HOSTNAME)).containsExactly("a.example", "b.example");
    assertThat(config.kafka().client())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.type", "PEM");
  }

  @Test
  void anUnknownConfigFileKeyIsRefusedWithItsLine() throws Exception {
    Path file = Files.writeString(dir.resolve("vigil.yaml"), "port: 9001\nstream-thread: 2\n");
    VigilDefaults defaults = new VigilDefaults(Map.of(), file);
    assertThatThrownBy(() -> configOf(defaults, "up", "--data-dir", dir.toString()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("unknown key 'stream-thread'")
        .hasMessageContaining("stream-threads");
  }

  @Test
  void aBadValueNamesTheEnvironmentVariableItCameFrom() {
    StringWriter err = new StringWriter();
    VigilDefaults defaults = new VigilDefaults(Map.of("VIGIL_PORT", "eighty"), null);
    int exit = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true), defaults)
        .execute("up", "--data-dir", dir.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("'eighty'", "environment variable VIGIL_PORT");
  }

  @Test
  void aRoleAloneNeedsAnExistingKafka() {
    assertThatThrownBy(() -> configOf(new VigilDefaults(Map.of(), null), "detect", "--data-dir", dir.toString()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("--kafka-bootstrap");
    VigilConfig detect = configOf(new VigilDefaults(Map.of("VIGIL_KAFKA_BOOTSTRAP", "kafka:9092"), null),
        "detect", "--data-dir", dir.toString());
    assertThat(detect.roles()).containsExactly(Role.DETECT);
  }

  @Test
  void localBrokersAreOneToNineAndNotBesideAnExistingKafka() {
    VigilDefaults none = new VigilDefaults(Map.of(), null);
    assertThat(configOf(none, "up", "--data-dir", dir.toString(), "--brokers", "3").get(Settings.BROKERS))
        .isEqualTo(3);
    assertThatThrownBy(() -> configOf(none, "up", "--data-dir", dir.toString(), "--brokers", "0"))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("--brokers 0 must be between 1 and 9");
    assertThatThrownBy(() -> configOf(none, "up", "--data-dir", dir.toString(), "--brokers", "3",
        "--kafka-bootstrap", "kafka:9092"))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("give one of them");
  }

  @Test
  void propertiesThatCarryTheGuaranteesCannotBeOverridden() {
    assertThatThrownBy(() -> configOf(new VigilDefaults(Map.of(), null), "up", "--data-dir", dir.toString(),
        "--producer-property", "acks=1"))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("acks");
  }

  @Test
  void theHelpOfEveryServerCommandShowsEachSettingWithItsEnvironmentVariableAndDefault() {
    for (String command : Set.of("up", "gateway", "detect", "alerts-api")) {
      StringWriter out = new StringWriter();
      int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter()),
          new VigilDefaults(Map.of(), null)).execute(command, "--help");
      assertThat(exit).isZero();
      String help = out.toString().replaceAll("\\s*\\n\\s+", " ");
      for (Setting<?> setting : Settings.OPTIONS) {
        assertThat(help).as(command + " " + setting.flag())
            .contains(setting.flag(), "(env " + setting.env())
            .contains(setting.defaultValue() == null ? setting.env() : "default " + setting.defaultValue() + ")");
      }
    }
  }

  /** Every option of the server commands, as its config key. */
  private static Set<String> serverKeys() {
    Set<String> keys = new TreeSet<>();
    CommandLine cli = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    for (String command : Set.of("up", "gateway", "detect", "alerts-api")) {
      for (OptionSpec option : cli.getSubcommands().get(command).getCommandSpec().options()) {
        if (!option.usageHelp() && !option.versionHelp()) {
          keys.add(VigilDefaults.key(option));
        }
      }
    }
    return keys;
  }

  @Test
  void everyOptionIsInTheReadmeConfigurationTableWithItsEnvironmentVariable() throws Exception {
    String readme = Files.readString(repositoryRoot().resolve("README.md"));
    for (String key : serverKeys()) {
      assertThat(readme).as("README row for --" + key)
          .containsPattern("\\| `--" + key + "( [^`]*)?`[^\\n]*`" + Setting.envName(key) + "`");
    }
  }

  @Test
  void theComposeFileUsesOnlyKnownConfigurationVariables() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(repositoryRoot().resolve("docker-compose.yml").toFile());
    Set<String> known = new TreeSet<>();
    serverKeys().forEach(key -> known.add(Setting.envName(key)));
    known.addAll(VigilDefaults.NON_OPTION_ENV);
    int checked = 0;
    for (var service : (Iterable<Map.Entry<String, JsonNode>>) compose.path("services")::fields) {
      if (!service.getValue().path("image").asText().startsWith("vigil")) {
        continue;
      }
      for (var variable : (Iterable<Map.Entry<String, JsonNode>>) service.getValue().path("environment")::fields) {
        assertThat(known).as(service.getKey() + " sets " + variable.getKey()).contains(variable.getKey());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5);
  }
}
