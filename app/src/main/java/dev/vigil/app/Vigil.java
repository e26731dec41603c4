package dev.vigil.app;

import dev.vigil.app.cli.AlertsCommand;
import dev.vigil.app.cli.CliException;
import dev.vigil.app.cli.ClusterCommand;
import dev.vigil.app.cli.RulesCommand;
import dev.vigil.app.cli.SendCommand;
import dev.vigil.app.cli.SimulateCommand;
import dev.vigil.app.cli.TerminalSafeWriter;
import dev.vigil.app.cli.TokenCommand;
import dev.vigil.app.settings.VigilDefaults;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = Vigil.Version.class,
    description = "Threat detection for Kubernetes audit logs.",
    subcommands = {
      UpCommand.class,
      UpCommand.Gateway.class,
      UpCommand.Detect.class,
      UpCommand.AlertsApi.class,
      ClusterCommand.class,
      SendCommand.class,
      AgentCommand.class,
      SimulateCommand.class,
      AlertsCommand.class,
      TokenCommand.class,
      RulesCommand.class
    })
public final class Vigil implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    configureLogDirectory(args);
    int exit = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    if (exit != 0 || !isLongRunning(args)) {
      System.exit(exit);
    }
  }

  /**
   * Runs {@code args} with option defaults from the environment and the config file ({@code --config}
   * or {@code VIGIL_CONFIG}), writing to the given streams.
   */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    VigilDefaults defaults;
    try {
      defaults = VigilDefaults.forArgs(System.getenv(), args);
    } catch (StartupException e) {
      err.println("vigil: " + e.getMessage());
      return 1;
    }
    return commandLine(out, err, defaults).execute(args);
  }

  /** The command line with its error handling, writing to the given streams (tests pass their own). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, new VigilDefaults(System.getenv(), null));
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, VigilDefaults defaults) {
    CommandLine cli = new CommandLine(new Vigil());
    // What the server answers (alert and object names, labels, error messages) can carry terminal
    // escape sequences from audit data: every line printed is cleaned, and help is printed without
    // colours so it needs no escape sequence of its own.
    cli.setOut(TerminalSafeWriter.wrap(out));
    cli.setErr(TerminalSafeWriter.wrap(err));
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    cli.setDefaultValueProvider(defaults);
    // A bad value is reported with where it came from: a flag, an environment variable or the config file.
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine failed = ex.getCommandLine();
      String source = ex.getArgSpec() == null ? "" : defaults.sourceOf(ex.getArgSpec());
      failed.getErr().println("vigil: " + ex.getMessage() + source);
      failed.getErr().println("Run 'vigil " + failed.getCommandSpec().qualifiedName().replaceFirst("^vigil ?", "")
          + " --help' for the options.");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof CliException || ex instanceof StartupException) {
        commandLine.getErr().println("vigil: " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cli;
  }

  private static boolean isLongRunning(String[] args) {
    for (String arg : args) {
      if (arg.equals("up") || arg.equals("gateway") || arg.equals("detect") || arg.equals("alerts-api")) {
        return true;
      }
      if (!arg.startsWith("-")) {
        return false;
      }
    }
    return false;
  }

  /**
   * log4j2 writes the broker's log into the data directory, so the directory must be known before the
   * first logger is created.
   */
  private static void configureLogDirectory(String[] args) {
    Path dataDir = DataDir.DEFAULT;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--data-dir") && i + 1 < args.length) {
        dataDir = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--data-dir=")) {
        dataDir = Path.of(args[i].substring("--data-dir=".length()));
      }
    }
    if (System.getProperty("vigil.log.dir") == null) {
      System.setProperty("vigil.log.dir", new DataDir(dataDir).logsDir().toAbsolutePath().toString());
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Vigil.class.getPackage().getImplementationVersion();
      return new String[] {"vigil " + (version == null ? "development build" : version)};
    }
  }
}
