package dev.vigil.detection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The host paths a container must not mount, read from {@code sensitive-host-paths.txt}: a path is
 * sensitive when it is a listed path, under one (except under the root), or above one.
 */
final class SensitiveHostPaths {

  static final String RESOURCE = "sensitive-host-paths.txt";

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

  static SensitiveHostPaths builtIn() {
    try (InputStream in = SensitiveHostPaths.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      List<String> paths = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int comment = line.indexOf('#');
        String path = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (!path.isEmpty()) {
          paths.add(path);
        }
      }
      return new SensitiveHostPaths(paths);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
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
