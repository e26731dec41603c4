package dev.vigil.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The shared corpus of real audit events ({@code ../shared/corpus} beside the project checkout). */
public final class Corpus {
  /** The one deliberately malformed Falco trace. */
  public static final String MALFORMED_TRACE = "fal_01_003.json";

  private Corpus() {}

  /** The corpus folder, found by walking up from the working directory. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared").resolve("corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "shared/corpus not found above " + Path.of("").toAbsolutePath()
            + ": the tests expect the shared folder beside the project checkout");
  }

  public static Path falcoTraces() {
    return root().resolve("falco-k8s-audit").resolve("falco-trace-files");
  }

  /** The SigmaHQ Kubernetes audit rules (Detection Rule License 1.1; see the folder's README). */
  public static Path sigmaRules() {
    return root().resolve("sigma-kubernetes-audit");
  }

  /** Every Falco trace file, sorted by name. */
  public static List<Path> falcoTraceFiles() {
    try (Stream<Path> files = Files.list(falcoTraces())) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-blank lines of a trace file: each is one audit event in JSON. */
  public static List<String> lines(Path traceFile) {
    try {
      return Files.readAllLines(traceFile).stream()
          .filter(l -> !l.isBlank())
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
