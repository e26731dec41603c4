package dev.vigil.detection.stateful;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threat-intelligence address lists (for example Tor exit nodes) read from files: one IPv4 or IPv6
 * address or CIDR per line, {@code #} starts a comment. {@link #refreshIfChanged()} re-reads the
 * files when one's modification time or size changed; a file that became unreadable or invalid keeps
 * the previous list and logs why. Each task's wall-clock punctuator calls it; a check costs one
 * {@code stat} per file. Thread-safe: every stream thread shares one instance.
 */
final class ThreatIntelList {

  private static final Logger LOG = LoggerFactory.getLogger(ThreatIntelList.class);

  /** The current list and the files' versions it was read from. */
  private record Snapshot(CidrSet set, List<String> versions) {}

  private final List<Path> files;
  private volatile Snapshot snapshot;

  /**
   * Reads the files now.
   *
   * @throws IllegalArgumentException when a file cannot be read or a line is not an address or
   *     CIDR, naming the file and line
   */
  ThreatIntelList(List<Path> files) {
    this.files = List.copyOf(files);
    this.snapshot = load();
  }

  /** The listed network containing {@code address}, or null. */
  String match(String address) {
    return snapshot.set().match(address);
  }

  int networks() {
    return snapshot.set().size();
  }

  /** Re-reads the files if one changed since the last read; true when it reloaded. */
  synchronized boolean refreshIfChanged() {
    try {
      if (versions().equals(snapshot.versions())) {
        return false;
      }
      Snapshot fresh = load();
      snapshot = fresh;
      LOG.info("Threat-intelligence lists reloaded: {} networks from {}", fresh.set().size(), files);
      return true;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      LOG.warn("Threat-intelligence lists not reloaded, keeping the previous one: {}", e.getMessage());
      return false;
    }
  }

  private List<String> versions() {
    List<String> versions = new ArrayList<>(files.size());
    for (Path file : files) {
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        versions.add(modified.toMillis() + "/" + Files.size(file));
      } catch (IOException e) {
        versions.add("unreadable");
      }
    }
    return versions;
  }

  private Snapshot load() {
    List<String> versions = versions();
    List<CidrSet.Entry> entries = new ArrayList<>();
    for (Path file : files) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read threat-intelligence file " + file + ": " + e
            + "; give a readable file of CIDRs, one per line", e);
      }
      entries.addAll(CidrSet.parseLines("threat-intelligence file " + file, lines));
    }
    return new Snapshot(CidrSet.of(entries), versions);
  }
}
