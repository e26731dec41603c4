package dev.vigil.app;

import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.app.settings.ServerOptions;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilDefaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Prints the JVM options of a server command's memory budget, one per line, for the {@code ./vigil}
 * launcher: the heap must be fixed before the JVM starts, and this way the budget is read exactly as
 * the server reads it (flag, {@code VIGIL_MEMORY_BUDGET}, config file, default). For a client verb,
 * or arguments that do not parse, it prints nothing: the server then reports the error itself.
 */
public final class JvmOptions {
  private JvmOptions() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    options(args).forEach(out::println);
    out.flush();
  }

  /** The JVM options of {@code args} (a whole {@code vigil} command line); empty unless a server command. */
  static List<String> options(String... args) {
    try {
      VigilDefaults defaults = VigilDefaults.forArgs(System.getenv(), args);
      return options(defaults, args);
    } catch (RuntimeException e) {
      return List.of();
    }
  }

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
