package dev.vigil.kafkalocal;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback ports of a data dir's brokers, kept in {@value #FILE}: after a crash (kill -9) the
 * transaction coordinator still knows a broker at its old address and cannot write the abort markers of
 * the dead producers' open transactions elsewhere, so a new port leaves Kafka Streams waiting.
 */
final class Ports {
  private static final Logger LOG = LoggerFactory.getLogger(Ports.class);
  static final String FILE = "ports.properties";
  static final String HOST = "127.0.0.1";

  private final Path dataDir;
  private final Properties ports = new Properties();
  /** Ports handed out by this instance, so that two keys never get the same free port. */
  private final Set<Integer> taken = new HashSet<>();

  private Ports(Path dataDir) {
    this.dataDir = dataDir;
  }

  static Ports load(Path dataDir) throws IOException {
    Ports p = new Ports(dataDir);
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        p.ports.load(in);
      }
    }
    return p;
  }

  /** The port recorded under {@code key} when it is still free, otherwise a new free port; recorded. */
  int reuse(String key) throws IOException {
    int port = reusable(ports.getProperty(key), key);
    while (!taken.add(port)) {
      port = reusable(null, key);
    }
    ports.setProperty(key, Integer.toString(port));
    return port;
  }

  /** The port recorded under {@code key}, or null. */
  String recorded(String key) {
    return ports.getProperty(key);
  }

  /** Records {@code port} under {@code key}. */
  void set(String key, int port) {
    taken.add(port);
    ports.setProperty(key, Integer.toString(port));
  }

  void save() throws IOException {
    StringWriter text = new StringWriter();
    ports.store(text, "ports of the local broker(s), kept across restarts of this data dir");
    PrivateFiles.write(dataDir.resolve(FILE), text.toString());
  }

  private static int reusable(String recorded, String key) throws IOException {
    if (recorded != null) {
      try {
        int port = Integer.parseInt(recorded.trim());
        try (ServerSocket socket = new ServerSocket()) {
          socket.setReuseAddress(true);
          socket.bind(new InetSocketAddress(HOST, port));
          return port;
        }
      } catch (NumberFormatException | IOException e) {
        LOG.warn("The local broker's previous {} {} is not available ({}); using a new one. Transactions "
            + "left open by a crash may delay Kafka Streams until they time out.", key, recorded, e.getMessage());
      }
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    }
  }
}
