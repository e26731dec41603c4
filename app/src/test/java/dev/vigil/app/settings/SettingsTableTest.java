package dev.vigil.app.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsTableTest {
  private static final String REGENERATE = "nice mvn -B -o -pl app -am verify -DskipITs -Dtest=SettingsTableTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.settings.write=true";

  private static Path readme() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("README.md")) && Files.exists(here.resolve("app")) ? here.resolve("README.md")
        : here.getParent().resolve("README.md");
  }

  @Test
  void theReadmeConfigurationTableIsTheOneTheSettingsDeclare() throws Exception {
    Path readme = readme();
    String text = Files.readString(readme);
    String generated = SettingsTable.replaceIn(text);
    if (Boolean.getBoolean("vigil.settings.write") && !generated.equals(text)) {
      Files.writeString(readme, generated);
      text = Files.readString(readme);
    }
    assertThat(text)
        .as("README.md's configuration table differs from dev.vigil.app.settings.Settings; regenerate it with "
            + REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void everySettingIsARowWithItsFlagEnvironmentVariableDefaultAndMeaning() {
    String table = SettingsTable.markdown();
    assertThat(table.lines()).hasSize(Settings.ALL.size() + 2);
    assertThat(table).contains(
        "| `--port` | `VIGIL_PORT` | `8443` | port | HTTPS port (0: a free port) |",
        "| `--body-limit` | `VIGIL_BODY_LIMIT` | `12582912` (12 MiB) | bytes |",
        "| `--hostname` | `VIGIL_HOSTNAME` (comma-separated) | | name |",
        "| `--tls-cert` | `VIGIL_TLS_CERT` | (generated into `DATA/tls`) | file |",
        "| | `VIGIL_JAVA_OPTS` | | JVM options |");
  }

  @Test
  void aReadmeWithoutTheMarkersIsRefused() {
    assertThatThrownBy(() -> SettingsTable.replaceIn("# no table\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SettingsTable.BEGIN);
  }
}
