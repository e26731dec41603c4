package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.app.settings.VigilDefaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --memory-budget} as the launcher and the command line read it, and the launcher's collector. */
class JvmOptionsTest {
  private static final long MIB = MemoryBudget.MIB;
  @TempDir Path dir;

  private static Map<String, String> env(String budget) {
    return Map.of("VIGIL_MEMORY_BUDGET", budget, "VIGIL_KAFKA_BOOTSTRAP", "kafka:9092");
  }

  @Test
  void theLauncherGetsTheHeapOfTheBudgetFromFlagEnvironmentOrFile() throws Exception {
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), null), "up", "--memory-budget", "768m"))
        .contains("-Xmx231m", "-Xms231m", "-XX:MaxDirectMemorySize=96m");
    assertThat(JvmOptions.options(new VigilDefaults(env("2g"), null), "detect"))
        .contains("-Xmx1095m");
    Path file = Files.writeString(dir.resolve("vigil.yaml"), "memory-budget: 2g\n");
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), file), "up", "--config", file.toString()))
        .contains("-Xmx1095m");
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), null), "up")).contains("-Xmx404m");
  }

  @Test
  void theLauncherGetsNothingForAClientVerbOrABadValue() {
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), null), "alerts", "--json")).isEmpty();
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), null), "up", "--memory-budget", "lots")).isEmpty();
    assertThat(JvmOptions.options(new VigilDefaults(Map.of(), null), "up", "--memory-budget", "100m")).isEmpty();
  }

  @Test
  void theLauncherGivesAServerTheParallelCollectorUnlessTheOperatorChoseOne() {
    VigilDefaults defaults = new VigilDefaults(Map.of(), null);
    assertThat(JvmOptions.launcherOptions(defaults, "", "up")).startsWith("-Xms404m", "-Xmx404m")
        .endsWith("-XX:+UseParallelGC");
    assertThat(JvmOptions.launcherOptions(defaults, "-Dfoo=bar -XX:+UseGCOverheadLimit", "gateway"))
        .endsWith("-XX:+UseParallelGC");
    assertThat(JvmOptions.launcherOptions(defaults, "-Xlog:gc -XX:+UseG1GC", "up"))
        .contains("-Xmx404m").doesNotContain("-XX:+UseParallelGC");
    assertThat(JvmOptions.launcherOptions(defaults, "-XX:+UseZGC", "detect")).noneMatch(o -> o.contains("GC"));
    assertThat(JvmOptions.launcherOptions(defaults, "", "alerts", "--json")).isEmpty();
  }

  @Test
  void aJvmStartsWithTheLauncherOptionsFollowedByTheOperatorsCollector() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String operator : List.of("", "-XX:+UseG1GC", "-XX:+UseSerialGC")) {
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(JvmOptions.launcherOptions(new VigilDefaults(Map.of(), null), operator, "up"));
      if (!operator.isEmpty()) {
        command.add(operator);
      }
      command.addAll(List.of("-XX:+PrintCommandLineFlags", "-version"));
      Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(jvm.waitFor()).as(out).isZero();
      assertThat(out).contains(operator.isEmpty() ? "-XX:+UseParallelGC" : operator);
    }
    // Two collectors stop the JVM: the reason the operator's choice replaces the launcher's.
    Process both = new ProcessBuilder(java, "-XX:+UseParallelGC", "-XX:+UseG1GC", "-version")
        .redirectErrorStream(true).start();
    both.getInputStream().readAllBytes();
    assertThat(both.waitFor()).isNotZero();
  }

  @Test
  void aBadBudgetStopsStartUpNamingTheOptionAndItsSource() {
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        new VigilDefaults(Map.of("VIGIL_MEMORY_BUDGET", "1x"), null)).execute("up", "--data-dir", dir.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--memory-budget", "'1x' is not a size", "environment variable VIGIL_MEMORY_BUDGET");

    StringWriter tooSmall = new StringWriter();
    exit = Vigil.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(tooSmall, true),
        new VigilDefaults(Map.of(), null)).execute("up", "--data-dir", dir.toString(), "--memory-budget", "200m");
    assertThat(exit).isEqualTo(1);
    assertThat(tooSmall.toString()).contains("--memory-budget 200 MiB is too small");
  }

  @Test
  void aHeapThatIsNotTheBudgetsShareIsReported() {
    MemoryBudget budget = MemoryBudget.of(1024 * MIB, Role.all());
    assertThat(JvmOptions.checkHeap(budget, 404 * MIB)).isEmpty();
    assertThat(JvmOptions.checkHeap(budget, 430 * MIB)).isEmpty();
    assertThat(JvmOptions.checkHeap(budget, 4096 * MIB)).hasValueSatisfying(warning -> assertThat(warning)
        .contains("maximum heap is 4 GiB", "gives the heap 404 MiB", "-Xmx404m"));
  }
}
