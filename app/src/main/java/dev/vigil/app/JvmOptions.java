package dev.vigil.app;

import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.app.settings.ServerOptions;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilDefaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Prints the JVM options of a server command, one per line, for the {@code ./vigil} launcher: the
 * memory budget's heap, which must be fixed before the JVM starts (read here exactly as the server
 * reads it: flag, {@code VIGIL_MEMORY_BUDGET}, config file, default), and the garbage collector. For a
 * client verb, or arguments that do not parse, it prints nothing: the server then reports the error
 * itself.
 */
public final class JvmOptions {
  /** The launcher's variable of the operator's own JVM options, which come after these on the command line. */
  public static final String JAVA_OPTS_ENV = Settings.JAVA_OPTS.env();

  /**
   * The collector of every server: the parallel (throughput) collector. With the budget's heap, G1 ran
   * a concurrent marking cycle about every second under load and processed 16–41% fewer storm events
   * in interleaved runs; RATIONALE "Servers run the parallel garbage collector".
   */
  static final String COLLECTOR = "-XX:+UseParallelGC";

  /** A collector chosen by the operator: giving the JVM a second one would stop it at start-up. */
  private static final Pattern COLLECTOR_CHOICE = Pattern.compile("-XX:\\+Use\\w+GC\\b");

  private JvmOptions() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    List<String> options;
    try {
      options = launcherOptions(VigilDefaults.forArgs(System.getenv(), args),
          System.getenv().getOrDefault(JAVA_OPTS_ENV, ""), args);
    } catch (RuntimeException e) {
      options = List.of();
    }
    options.forEach(out::println);
    out.flush();
  }

  /**
   * What {@code ./vigil} gives the JVM of {@code args} (a whole {@code vigil} command line) before the
   * operator's {@code javaOptions}: the budget's options and, unless {@code javaOptions} chooses a
   * collector, {@link #COLLECTOR}. Empty unless a server command.
   */
  public static List<String> launcherOptions(VigilDefaults defaults, String javaOptions, String... args) {
    List<String> budget = options(defaults, args);
    if (budget.isEmpty() || COLLECTOR_CHOICE.matcher(javaOptions).find()) {
      return budget;
    }
    List<String> options = new ArrayList<>(budget);
    options.add(COLLECTOR);
    return List.copyOf(options);
  }

  /** The memory budget's JVM options of {@code args}; empty unless a server command. */
  static List<String> options(VigilDefaults defaults, String... args) {
    StringWriter ignored = new StringWriter();
    CommandLine cli = Vigil.commandLine(new PrintWriter(ignored), new PrintWriter(ignored), defaults);
    try {
      CommandLine.ParseResult sub = cli.parseArgs(args).subcommand();
      if (sub == null || !(sub.commandSpec().userObject() instanceof RoleCommand command)) {
        return List.of();
      }
      long budget = ServerOptions.value(sub.commandSpec(), Settings.MEMORY_BUDGET);
      return MemoryBudget.of(budget, command.roles()).jvmOptions();
    } catch (CommandLine.ParameterException | StartupException e) {
      return List.of();
    }
  }

  /**
   * A warning when the JVM's maximum heap is not the budget's heap share, which happens when Vigil is
   * started without the launcher (or {@code VIGIL_JAVA_OPTS} sets {@code -Xmx}).
   */
  static Optional<String> checkHeap(MemoryBudget budget, long maxHeapBytes) {
    long share = budget.heapBytes();
    if (maxHeapBytes <= 0 || maxHeapBytes == Long.MAX_VALUE
        || Math.abs(maxHeapBytes - share) <= share / 10) {
      return Optional.empty();
    }
    return Optional.of("The JVM's maximum heap is " + MemoryBudget.format(maxHeapBytes) + ", but the memory budget of "
        + MemoryBudget.format(budget.totalBytes()) + " gives the heap " + MemoryBudget.format(share)
        + ": the process's memory is not bounded by the budget. Start Vigil with ./vigil (or the image), or give the"
        + " JVM " + String.join(" ", budget.jvmOptions()));
  }
}
