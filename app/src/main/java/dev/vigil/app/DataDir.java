package dev.vigil.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The layout of a {@code vigil up} data directory. Client verbs read the same files to find a local
 * server: its URL, its CA certificate and the admin token.
 */
record DataDir(Path root) {
  static final Path DEFAULT = Path.of("data");

  Path adminToken() {
    return root.resolve("admin.token");
  }

  Path serverUrl() {
    return root.resolve("server.url");
  }

  Path tlsDir() {
    return root.resolve("tls");
  }

  Path caCertificate() {
    return tlsDir().resolve("ca.crt");
  }

  Path kafkaDir() {
    return root.resolve("kafka");
  }

  Path streamsDir() {
    return root.resolve("streams");
  }

  Path logsDir() {
    return root.resolve("logs");
  }

  /**
   * Creates the directory and checks that it can be written, so a full or read-only disk is reported
   * before anything starts.
   */
  void prepare() {
    try {
      Files.createDirectories(root);
      Path probe = Files.createTempFile(root, ".write-check", ".tmp");
      Files.delete(probe);
      Files.createDirectories(logsDir());
    } catch (IOException e) {
      throw new StartupException(
          "data directory " + root.toAbsolutePath() + " is not writable (" + e.getMessage()
              + "): choose another with --data-dir or free space and fix its permissions");
    }
  }

  /** Writes a file readable by its owner only (mode 0600 where the file system supports it). */
  static void writePrivate(Path file, String content) throws IOException {
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
