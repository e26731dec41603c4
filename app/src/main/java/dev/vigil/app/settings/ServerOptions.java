package dev.vigil.app.settings;

import dev.vigil.app.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options of every server command ({@code up}, {@code gateway}, {@code detect},
 * {@code alerts-api}): one per {@link Settings#OPTIONS setting}, added to the command by picocli
 * ({@code @Command(modelTransformer = ServerOptions.class)}). Each option {@code --name} is also read
 * from the environment variable {@code VIGIL_NAME} and from the key {@code name} of the YAML file
 * given by {@code --config} ({@link VigilDefaults}); a flag wins over the environment, which wins over
 * the file.
 */
public final class ServerOptions implements CommandLine.IModelTransformer {
  @Override
  public CommandSpec transform(CommandSpec spec) {
    for (Setting<?> setting : Settings.OPTIONS) {
      spec.addOption(setting.optionSpec());
    }
    return spec;
  }

  /** The value of {@code setting} as the command line, environment, config file or default gave it. */
  public static <T> T value(CommandSpec spec, Setting<T> setting) {
    return setting.valueOf(spec.findOption(setting.flag()));
  }

  /** The validated configuration of a process running {@code roles}. */
  public static VigilConfig toConfig(CommandSpec spec, Set<Role> roles) {
    VigilDefaults.of(spec).checkFileKeys(spec);
    return VigilConfig.of(values(spec), roles);
  }

  private static Map<Setting<?>, Object> values(CommandSpec spec) {
    Map<Setting<?>, Object> values = new HashMap<>();
    for (Setting<?> setting : Settings.OPTIONS) {
      values.put(setting, value(spec, setting));
    }
    return values;
  }

  /** The value of every option when nothing is given: the declared defaults, as picocli reads them. */
  static Map<Setting<?>, Object> defaults() {
    CommandSpec spec = new ServerOptions().transform(CommandSpec.create());
    new CommandLine(spec).parseArgs();
    return values(spec);
  }
}
