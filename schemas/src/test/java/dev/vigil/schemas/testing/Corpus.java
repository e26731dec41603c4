package dev.vigil.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real audit events and Sigma rules tests read: the repository's {@code testdata} folder (see its
 * README for source and licence).
 */
public final class Corpus {
  /** The one deliberately malformed Falco trace. */
  public static final String MALFORMED_TRACE = "fal_01_003.json";

  private Corpus() {}

  /**
   * The repository's root: the topmost directory holding a {@code pom.xml} above the working directory
   * (a module's directory under Maven), that is the reactor root. The walk stops there, so a test never
   * reads anything outside the repository.
   */
  public static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    Path top = null;
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
        break;
      }
      top = dir;
    }
    if (top == null) {
      throw new IllegalStateException("no pom.xml in " + start + ": run the tests with Maven from the checkout");
    }
    return top;
  }

  /** The repository's {@code testdata} folder. */
  public static Path root() {
    Path testdata = repositoryRoot().resolve("testdata");
    if (!Files.isDirectory(testdata)) {
      throw new IllegalStateException(testdata + " is missing: the tests read the audit events and rules there");
    }
    return testdata;
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
