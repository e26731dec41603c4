package dev.vigil.app.cli;

import dev.vigil.app.DataDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a client verb finds its server: {@code --server URL --token-file F [--ca-file F]}, or the data
 * directory of a local {@code vigil up} (which records its URL, CA certificate and admin token there).
 */
final class ClientOptions {
  @Option(names = "--server", description = "Vigil URL, e.g. https://vigil.example:8443 (default: from the data dir)")
  String server;

  @Option(names = "--token-file", description = "file holding the bearer token (default: DATA/admin.token)")
  Path tokenFile;

  @Option(names = "--ca-file", description = "PEM certificate to trust for a self-signed server (default: DATA/tls/ca.crt when present)")
  Path caFile;

  @Option(names = "--data-dir", description = "data directory of a local vigil up (default: ./data)")
  Path dataDir;

  ApiClient client() {
    DataDir data = new DataDir(dataDir == null ? DataDir.DEFAULT : dataDir);
    String url = server;
    if (url == null) {
      url = readTrimmed(data.serverUrl(),
          "no --server given and no running vigil up found in " + data.root().toAbsolutePath()
              + " (start one with ./vigil up, or pass --server URL --token-file F)");
    }
    Path token = tokenFile != null ? tokenFile : data.adminToken();
    String bearer = readTrimmed(token, "cannot read the token file " + token
        + ": pass --token-file F, or --data-dir of a local vigil up");
    Path ca = caFile;
    if (ca == null && server == null && Files.exists(data.caCertificate())) {
      ca = data.caCertificate();
    }
    return new ApiClient(url, bearer, ca);
  }

  static String readTrimmed(Path file, String whenMissing) {
    try {
      String value = Files.readString(file).trim();
      if (value.isEmpty()) {
        throw new CliException(whenMissing + " (the file is empty)");
      }
      return value;
    } catch (IOException e) {
      throw new CliException(whenMissing);
    }
  }
}
