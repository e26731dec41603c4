package dev.vigil.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/** Writes numbered audit events to a log file the way kube-apiserver does, and rotates it. */
final class AuditLogWriter {
  private final Path live;
  private final String prefix;
  private final Set<String> written = new LinkedHashSet<>();
  private int next;

  AuditLogWriter(Path live, String prefix) {
    this.live = live;
    this.prefix = prefix;
  }

  Path live() {
    return live;
  }

  /** Every auditID written so far. */
  Set<String> written() {
    return Set.copyOf(written);
  }

  /** Appends {@code count} events, one line each. */
  void write(int count) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + next;
      lines.append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",")
          .append("\"auditID\":\"").append(id).append("\",\"stage\":\"ResponseComplete\",")
          .append("\"requestURI\":\"/api/v1/namespaces/default/pods\",\"verb\":\"list\",")
          .append("\"user\":{\"username\":\"user-").append(next % 7).append("\"},")
          .append("\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},")
          .append("\"responseStatus\":{\"code\":200},")
          .append("\"stageTimestamp\":\"2024-05-01T10:00:00.000000Z\"}\n");
      written.add(id);
      next++;
    }
    Files.writeString(live, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Rotation by rename: the live file gets another name, the next write creates a new one. */
  void renameTo(String rotatedName) throws IOException {
    Files.move(live, live.resolveSibling(rotatedName));
  }

  /** Rotation by copy-truncate (logrotate {@code copytruncate}). */
  void copyTruncate(String copyName) throws IOException {
    Files.copy(live, live.resolveSibling(copyName));
    try (FileChannel channel = FileChannel.open(live, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
  }
}
