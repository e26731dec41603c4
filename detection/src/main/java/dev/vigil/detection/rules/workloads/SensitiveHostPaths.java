package dev.vigil.detection.rules.workloads;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The host paths a container must not mount (list {@code sensitiveHostPaths} of the detection
 * configuration): a path is sensitive when it is a listed path, under one (except under the root),
 * or above one.
 */
final class SensitiveHostPaths {

  private final List<String> paths;

  SensitiveHostPaths(List<String> paths) {
    List<String> normalised = new ArrayList<>();
    for (String path : paths) {
      String n = normalise(path);
      if (n == null) {
        throw new IllegalArgumentException("not a host path: \"" + path + "\"");
      }
      normalised.add(n);
    }
    this.paths = List.copyOf(normalised);
  }

  List<String> paths() {
    return paths;
  }

  /**
   * The listed path that makes {@code hostPath} sensitive, or null when it is not sensitive (or not a
   * path at all).
   */
  String sensitiveEntry(String hostPath) {
    String path = normalise(hostPath);
    if (path == null) {
      return null;
    }
    for (String entry : paths) {
      if (path.equals(entry)
          || (!"/".equals(entry) && path.startsWith(entry + "/"))
          || ("/".equals(path) || entry.startsWith(path + "/"))) {
        return entry;
      }
    }
    return null;
  }

  /**
   * An absolute path with repeated and trailing slashes removed and {@code .} and {@code ..}
   * resolved ({@code ..} above the root stays at the root, as the kernel does); a relative path is
   * taken from the root. Null for null or blank input.
   */
  static String normalise(String path) {
    if (path == null || path.isBlank()) {
      return null;
    }
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.strip().split("/")) {
      if (segment.isEmpty() || ".".equals(segment)) {
        continue;
      }
      if ("..".equals(segment)) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    return "/" + String.join("/", segments);
  }
}
