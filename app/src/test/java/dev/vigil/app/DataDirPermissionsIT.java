package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.settings.VigilConfig;
import dev.vigil.kafkalocal.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, finding 3: the data dir of {@code vigil up} (raw audit events, alerts, credentials) is for
 * its owner alone — 0700, and nothing under it open to group or others — and an open one is fixed at
 * start-up with a warning.
 */
class DataDirPermissionsIT {
  private static final Set<PosixFilePermission> GROUP_AND_OTHERS = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  @TempDir Path dir;

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("docker-compose.yml")) ? here : here.getParent();
  }

  /**
   * Every file and directory under {@code root} (itself excluded) that group or others may use. A running
   * server creates and deletes files as the walk goes (RocksDB's {@code *.dbtmp}, Kafka's index swaps): one that
   * is gone before its mode is read is skipped, since it cannot be open to anyone.
   */
  private static List<String> openToOthers(Path root) throws Exception {
    List<String> open = new ArrayList<>();
    for (Path p : tree(root)) {
      Set<PosixFilePermission> mode;
      try {
        mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        continue;
      }
      if (mode.stream().anyMatch(GROUP_AND_OTHERS::contains)) {
        open.add(root.relativize(p) + " " + PosixFilePermissions.toString(mode));
      }
    }
    return open;
  }

  /** The files and directories under {@code root}, itself and symbolic links excluded, skipping any that vanish. */
  private static List<Path> tree(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        if (!d.equals(root)) {
          found.add(d);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
        if (!attrs.isSymbolicLink()) {
          found.add(f);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e == null || e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    return found;
  }

  private static long entries(Path root) throws Exception {
    return tree(root).size() + 1;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void vigilUpAsTheLauncherRunsItKeepsAFreshDataDirPrivate() throws Exception {
    String launcher = Files.readString(repositoryRoot().resolve("vigil"));
    assertThat(launcher.indexOf("\numask 077\n")).as("./vigil sets umask 077 before it starts Java")
        .isPositive().isLessThan(launcher.indexOf("\nexec java"));
    Path data = dir.resolve("data");
    Path output = dir.resolve("vigil-up.out");
    // As ./vigil does: umask 077, then Java.
    Process up = new ProcessBuilder("/bin/sh", "-c", "umask 077 && exec \"$0\" \"$@\"",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-Dvigil.log.dir=" + data.resolve("logs"), "-cp", System.getProperty("java.class.path"),
        Vigil.class.getName(), "up", "--data-dir", data.toString(), "--port", "0", "--bind", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
          .until(() -> !up.isAlive() || Files.readString(output).contains("Vigil is ready"));
      assertThat(up.isAlive()).as(Files.readString(output)).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      long running = entries(data);
      assertThat(openToOthers(data)).as("open to others while running").isEmpty();
      up.destroy();
      assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(openToOthers(data)).as("open to others after a clean stop").isEmpty();
      System.out.printf("DATADIR vigil up on a fresh dir: data dir rwx------, %d entries while running, %d after the "
          + "stop, none open to group or others%n", running, entries(data));
    } finally {
      up.destroyForcibly();
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void anOpenDataDirIsMadePrivateAtStartWithAWarning() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path oldDir = Files.createDirectories(data.resolve("logs").resolve("archive"));
    Path oldSegment = Files.writeString(oldDir.resolve("kafka.log.1"), "a broker warning naming a topic");
    Files.setPosixFilePermissions(data.resolve("logs"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(oldDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(oldSegment, PosixFilePermissions.fromString("rw-r--r--"));

    SecurityIT.Capture capture = SecurityIT.Capture.attach();
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(oldDir))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(oldSegment))).isEqualTo("rw-------");
      assertThat(List.copyOf(capture.lines)).anyMatch(l -> l.startsWith("WARN") && l.contains(data.toAbsolutePath()
          .toString()) && l.contains("was open to other users (mode rwxr-xr-x)") && l.contains("0700"));
      assertThat(List.copyOf(capture.lines)).anyMatch(l -> l.startsWith("WARN")
          && l.contains("3 files and directories under") && l.contains("readable by other users"));
      // What Vigil writes itself is private whatever the umask of this test JVM.
      for (Path own : List.of(data.resolve("admin.token"), data.resolve("server.url"),
          data.resolve("kafka").resolve(EmbeddedKafka.CLIENT_PROPERTIES), data.resolve("kafka").resolve("ports.properties"),
          data.resolve("tls").resolve("server.key"))) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).as(own.toString())
            .isEqualTo("rw-------");
      }
      for (Path own : List.of(data.resolve("kafka"), data.resolve("kafka").resolve("kraft-logs"), data.resolve("logs"),
          data.resolve("streams"), data.resolve("streams").resolve("vigil-detection"),
          data.resolve("streams").resolve("vigil-alerts"))) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).as(own.toString())
            .isEqualTo("rwx------");
      }
      assertThat(server.url()).isNotNull();
      System.out.println("DATADIR an rwxr-xr-x data dir with rw-r--r-- files: rwx------ and rw------- at start, warned");
    } finally {
      capture.detach();
    }
  }
}
