package dev.vigil.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of the README's module table, checked on the compiled main classes of every module.
 * Benchmarks depends on every module, so all of them are on this test's class path.
 */
class ArchitectureTest {

  /** Each module's package root and the other Vigil modules it may use. */
  private static final Map<String, Module> MODULES = modules(
      new Module("schemas", "dev.vigil.schemas", Set.of()),
      new Module("edge", "dev.vigil.edge", Set.of("schemas")),
      new Module("agent", "dev.vigil.agent", Set.of()),
      new Module("kafka-local", "dev.vigil.kafkalocal", Set.of("schemas")),
      new Module("detection", "dev.vigil.detection", Set.of("schemas")),
      new Module("alerts", "dev.vigil.alerts", Set.of("schemas", "edge")),
      new Module("ingest", "dev.vigil.ingest", Set.of("schemas", "edge")),
      new Module("app", "dev.vigil.app",
          Set.of("schemas", "edge", "agent", "kafka-local", "detection", "alerts", "ingest")),
      new Module("benchmarks", "dev.vigil.benchmarks",
          Set.of("schemas", "edge", "agent", "kafka-local", "detection", "alerts", "ingest", "app")));

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      // Inside a reactor build the other modules come as jars; their test jars are not main code.
      .withImportOption(location -> !location.contains("-tests.jar"))
      .importPackages("dev.vigil");

  record Module(String name, String root, Set<String> mayUse) {}

  private static Map<String, Module> modules(Module... all) {
    Map<String, Module> byName = new LinkedHashMap<>();
    for (Module module : all) {
      byName.put(module.name(), module);
    }
    return byName;
  }

  /** The module a package belongs to by its name, or null. */
  private static Module byPackage(String packageName) {
    for (Module module : MODULES.values()) {
      if (packageName.equals(module.root()) || packageName.startsWith(module.root() + ".")) {
        return module;
      }
    }
    return null;
  }

  /**
   * The module whose build produced a class, from where its class file lies: {@code MODULE/target/}
   * (classes or jar) in a build, {@code vigil-MODULE-VERSION.jar} from a repository.
   */
  private static String builtBy(JavaClass type) {
    String uri = type.getSource().map(source -> source.getUri().toString()).orElse("");
    for (String name : MODULES.keySet()) {
      if (uri.contains("/" + name + "/target/") || uri.matches(".*/vigil-" + name + "-\\d[^/]*\\.jar!/.*")) {
        return name;
      }
    }
    return null;
  }

  @Test
  void everyModuleIsImported() {
    Set<String> seen = new TreeSet<>();
    for (JavaClass type : MAIN) {
      String module = builtBy(type);
      if (module != null) {
        seen.add(module);
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(MODULES.keySet());
  }

  @Test
  void noClassLivesInAnotherModulesPackage() {
    List<String> misplaced = new ArrayList<>();
    for (JavaClass type : MAIN) {
      String module = builtBy(type);
      Module owner = byPackage(type.getPackageName());
      if (module != null && (owner == null || !owner.name().equals(module))) {
        misplaced.add(type.getName() + " is built by " + module + " but lives in "
            + (owner == null ? "no module's package" : owner.name() + "'s package"));
      }
    }
    assertThat(misplaced).isEmpty();
  }

  @Test
  void modulesUseOnlyWhatTheModuleTableAllows() {
    List<String> violations = new ArrayList<>();
    for (JavaClass type : MAIN) {
      Module from = byPackage(type.getPackageName());
      if (from == null) {
        continue;
      }
      type.getDirectDependenciesFromSelf().forEach(dependency -> {
        Module to = byPackage(dependency.getTargetClass().getPackageName());
        if (to != null && to != from && !from.mayUse().contains(to.name())) {
          violations.add(from.name() + " may not use " + to.name() + ": " + dependency.getDescription());
        }
      });
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theAgentUsesNothingButTheJdk() {
    noClasses().that().resideInAPackage("dev.vigil.agent..")
        .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax..", "dev.vigil.agent..")
        .because("the agent runs on control-plane nodes with nothing but a JRE (agent/README.md)")
        .check(MAIN);
  }

  /** Detectors are plain Java: the rules, their SPI and the Kubernetes helpers. */
  static final ArchRule DETECTORS_NEVER_USE_KAFKA = noClasses()
      .that().resideInAnyPackage("dev.vigil.detection.rules..", "dev.vigil.detection.spi..",
          "dev.vigil.detection.kube..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
      .because("detectors are plain Java: the streams layer hands them parsed events");

  @Test
  void detectorsNeverUseKafka() {
    DETECTORS_NEVER_USE_KAFKA.check(MAIN);
  }

  @Test
  void theDetectorRuleCatchesADeliberateViolation() throws ClassNotFoundException {
    JavaClasses violating = new ClassFileImporter()
        .importClasses(Class.forName("dev.vigil.detection.rules.violation.DetectorThatReadsKafka"));
    EvaluationResult result = DETECTORS_NEVER_USE_KAFKA.evaluate(violating);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails()).anyMatch(line -> line.contains("org.apache.kafka"));
  }
}
