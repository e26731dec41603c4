package dev.vigil.detection.rules.access;

import dev.vigil.detection.stateful.CidrSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks a cluster's own components call from: the list {@code clusterNetworks} (private,
 * loopback and link-local ranges shipped, the site's public ranges added by the user) and the cloud
 * providers' published ranges, from the files of list {@code cloudRangeFiles}, or when that list is
 * empty from the bundled {@code cloud-ranges.txt} (one CIDR per line, {@code #} comments).
 */
final class KnownNetworks {

  /** The bundled cloud ranges, beside this class. */
  static final String BUNDLED = "cloud-ranges.txt";

  private KnownNetworks() {}

  /**
   * @throws IllegalArgumentException naming the list or file and line of an entry that is not an
   *     address or CIDR, or a file that cannot be read
   */
  static CidrSet of(List<String> clusterNetworks, List<String> cloudRangeFiles) {
    List<CidrSet.Entry> entries =
        new ArrayList<>(CidrSet.parseLines("detection config list clusterNetworks", clusterNetworks));
    if (cloudRangeFiles.isEmpty()) {
      entries.addAll(Bundled.ENTRIES);
    }
    for (String name : cloudRangeFiles) {
      Path file = Path.of(name);
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read cloud ranges file " + file + " (list cloudRangeFiles): " + e
                + "; give a readable file of CIDRs, one per line",
            e);
      }
      entries.addAll(CidrSet.parseLines("cloud ranges file " + file, lines));
    }
    return CidrSet.of(entries);
  }

  /** Parsed once per JVM: the catalogue is rebuilt by every test harness and Sigma reload. */
  private static final class Bundled {
    static final List<CidrSet.Entry> ENTRIES = load();

    private static List<CidrSet.Entry> load() {
      try (InputStream in = KnownNetworks.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException(BUNDLED + " is missing from the classpath");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return List.copyOf(CidrSet.parseLines(BUNDLED, text.lines().toList()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + BUNDLED, e);
      }
    }
  }
}
