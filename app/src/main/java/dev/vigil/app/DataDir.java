package dev.vigil.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of a {@code vigil up} data directory. Client verbs read the same files to find a local
 * server: its URL, its CA certificate and the admin token.
 */
public record DataDir(Path root) {
  public static final Path DEFAULT = Path.of("data");
  private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  public Path adminToken() {
    return root.resolve("admin.token");
  }

  public Path serverUrl() {
    return root.resolve("server.url");
  }

  public Path tlsDir() {
    return root.resolve("tls");
  }

  public Path caCertificate() {
    return tlsDir().resolve("ca.crt");
  }

  public Path kafkaDir() {
    return root.resolve("kafka");
  }

  public Path streamsDir() {
    return root.resolve("streams");
  }

  public Path logsDir() {
    return root.resolve("logs");
  }

  /**
   * Creates the directory (mode 0700) and checks that it can be written, so a full or read-only disk
   * is reported before anything starts; then makes it private (see {@link #makePrivate()}).
   */
  void prepare() {
    try {
      createPrivateDirectories(root);
      Path probe = Files.createTempFile(root, ".write-check", ".tmp");
      Files.delete(probe);
      createPrivateDirectories(logsDir());
    } catch (IOException e) {
      throw new StartupException(
          "data directory " + root.toAbsolutePath() + " is not writable (" + e.getMessage()
              + "): choose another with --data-dir or free space and fix its permissions");
    }
    makePrivate();
  }

  /**
   * The data dir holds raw audit events, alerts and credentials: it is made 0700, with a warning when
   * it was open to others, and start-up is refused when that cannot be done. What lies under it loses
   * any group and other permission (files of older versions were 0644). Files that Kafka and RocksDB
   * create later get the process umask: {@code ./vigil} sets 077, and the 0700 directory guards them
   * whatever the umask is.
   */
  void makePrivate() {
    try {
      if (!Files.getFileStore(root).supportsFileAttributeView(PosixFileAttributeView.class)) {
        return;
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(root);
      if (!Collections.disjoint(mode, GROUP_AND_OTHERS)) {
        try {
          Files.setPosixFilePermissions(root, PRIVATE_DIR);
        } catch (IOException e) {
          throw new StartupException("data directory " + root.toAbsolutePath() + " is open to other users (mode "
              + PosixFilePermissions.toString(mode) + ") and Vigil cannot make it private (" + e
              + "): run 'chmod 700 " + root.toAbsolutePath() + "' as its owner, or choose another --data-dir");
        }
        LOG.warn("Data directory {} was open to other users (mode {}): changed it to rwx------ (0700)",
            root.toAbsolutePath(), PosixFilePermissions.toString(mode));
      }
      int[] tightened = {0};
      try (Stream<Path> tree = Files.walk(root)) {
        tree.filter(p -> !p.equals(root) && !Files.isSymbolicLink(p)).forEach(p -> {
          try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            if (perms.removeAll(GROUP_AND_OTHERS)) {
              Files.setPosixFilePermissions(p, perms);
              tightened[0]++;
            }
          } catch (IOException e) {
            LOG.warn("Cannot make {} private: {}", p, e.toString());
          }
        });
      }
      if (tightened[0] > 0) {
        LOG.warn("{} files and directories under {} were readable by other users: removed their group and other "
            + "permissions", tightened[0], root.toAbsolutePath());
      }
      if (umaskSharesNewFiles()) {
        LOG.warn("This process creates files readable by other users (umask): Kafka's logs and Streams state in {} "
            + "are protected by the directory's mode 0700 alone; start Vigil with 'umask 077' (./vigil does)",
            root.toAbsolutePath());
      }
    } catch (IOException e) {
      throw new StartupException("cannot check the permissions of data directory " + root.toAbsolutePath()
          + " (" + e + "): fix them (chmod 700) or choose another --data-dir");
    }
  }

  /**
   * Kafka Streams sets {@code rwxr-x---} on its state directory and each application's directory
   * whatever the umask; called once the Streams applications exist, this takes the group's access away.
   */
  void makeStreamsStatePrivate() {
    if (!Files.isDirectory(streamsDir())) {
      return;
    }
    try (Stream<Path> apps = Files.list(streamsDir())) {
      for (Path p : Stream.concat(Stream.of(streamsDir()), apps).toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, PRIVATE_DIR);
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("Cannot make the Streams state in {} private: {}", streamsDir(), e.toString());
    }
  }

  private boolean umaskSharesNewFiles() throws IOException {
    Path probe = root.resolve(".umask-check.tmp");
    Files.deleteIfExists(probe);
    Files.newOutputStream(probe).close();
    try {
      return !Collections.disjoint(Files.getPosixFilePermissions(probe), GROUP_AND_OTHERS);
    } finally {
      Files.delete(probe);
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  /** Writes a file readable by its owner only (mode 0600 where the file system supports it). */
  public static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(ownerOnly));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
