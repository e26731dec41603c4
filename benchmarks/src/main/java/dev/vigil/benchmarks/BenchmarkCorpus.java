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
 * The real audit events benchmarks run on: every line of every Falco trace of the shared corpus
 * except the deliberately malformed one. The corpus is found by walking up from the working directory
 * to {@code shared/corpus}, or given with {@code -Dvigil.corpus=DIR}.
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

  /** The {@code shared/corpus} folder. */
  public static Path root() {
    String given = System.getProperty("vigil.corpus");
    if (given != null) {
      return Path.of(given);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "shared/corpus not found above " + Path.of("").toAbsolutePath()
            + ": run from the checkout beside shared/, or pass -Dvigil.corpus=DIR");
  }
}
