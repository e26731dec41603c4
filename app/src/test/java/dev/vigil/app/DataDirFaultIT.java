package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.app.settings.VigilConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unusable data dir at start-up: a clear error naming the directory and what to do, nothing half
 * written, and a later start on the repaired directory keeps the state that was there.
 */
class DataDirFaultIT {
  @TempDir Path dir;

  @Test
  void aDataDirThatIsAFileIsRefusedBeforeAnythingStarts() throws Exception {
    Path notADir = Files.writeString(dir.resolve("data"), "a file, not a directory");

    assertThatThrownBy(() -> VigilServer.start(VigilConfig.forTests(notADir)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(notADir.toAbsolutePath().toString())
        .hasMessageContaining("not writable")
        .hasMessageContaining("--data-dir");
    assertThat(Files.readString(notADir)).isEqualTo("a file, not a directory");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(notADir);
    }
  }

  @Test
  void aDataDirUnderAFileIsRefusedWithTheSameAdvice() {
    Path parentFile = dir.resolve("parent");
    Path data = parentFile.resolve("data");
    assertThatThrownBy(() -> {
      Files.writeString(parentFile, "x");
      VigilServer.start(VigilConfig.forTests(data));
    }).isInstanceOf(StartupException.class).hasMessageContaining("not writable");
  }

  @Test
  void aBrokenTlsDirFailsTheStartAndKeepsTheExistingState() throws Exception {
    Path data = dir.resolve("data");
    String adminToken;
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      adminToken = Files.readString(data.resolve("admin.token"));
      Https.of(server).addCluster(adminToken.trim(), "kept");
    }
    Path tls = data.resolve("tls");
    Path saved = dir.resolve("tls-saved");
    Files.move(tls, saved);
    Files.writeString(tls, "not a directory");

    assertThatThrownBy(() -> VigilServer.start(VigilConfig.forTests(data)))
        .hasMessageContaining("tls");
    assertThat(Files.readString(data.resolve("admin.token"))).isEqualTo(adminToken);

    Files.delete(tls);
    Files.move(saved, tls);
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      Https https = Https.of(server);
      assertThat(https.get("/v1/clusters/kept", adminToken.trim()).status()).isEqualTo(200);
      System.out.println("DATADIR after a failed start: admin token unchanged, cluster kept, restart succeeded");
    }
  }
}
