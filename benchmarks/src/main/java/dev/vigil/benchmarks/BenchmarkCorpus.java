package dev.vigil.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real audit events benchmarks run on: every line of every Falco trace in the repository's
 * {@code testdata} folder except the deliberately malformed one. The folder is found at the reactor
 * root above the working directory (the topmost directory holding a {@code pom.xml}: run benchmarks
 * from the checkout), or given with {@code -Dvigil.corpus=DIR}.
 */
public final class BenchmarkCorpus {

  /** The trace that holds a deliberately malformed event. */
  static final String MALFORMED_TRACE = "fal_01_003.json";

  private BenchmarkCorpus() {}

  /** One JSON document per event, in file then line order. */
  public static List<String> events() {
    Path traces = root().resolve("falco-k8s-audit").resolve("falco-trace-files");
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(traces)) {
      for (Path file : files.sorted().collect(Collectors.toList())) {
        if (file.getFileName().toString().equals(MALFORMED_TRACE)) {
          continue;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the corpus in " + traces, e);
    }
    return lines;
  }

  /** The {@code testdata} folder: {@code -Dvigil.corpus}, else the one at the reactor root. */
  public static Path root() {
    String given = System.getProperty("vigil.corpus");
    if (given != null) {
      return Path.of(given);
    }
    Path start = Path.of("").toAbsolutePath();
    Path top = null;
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
        break;
      }
      top = dir;
    }
    if (top == null || !Files.isDirectory(top.resolve("testdata"))) {
      throw new IllegalStateException("testdata/ not found at the repository root above " + start
          + ": run from the checkout, or pass -Dvigil.corpus=DIR");
    }
    return top.resolve("testdata");
  }
}
