package dev.vigil.app.settings;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.vigil.app.StartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from when they are not on the command line: the environment variable
 * {@code VIGIL_<NAME>} of option {@code --name} ({@code --kafka-bootstrap} ↔
 * {@code VIGIL_KAFKA_BOOTSTRAP}), then key {@code name} of the YAML config file ({@code --config} or
 * {@code VIGIL_CONFIG}), then the option's own default. It also remembers where each value came from,
 * so a bad value is reported with its source.
 */
public final class VigilDefaults implements CommandLine.IDefaultValueProvider {
  public static final String CONFIG_ENV = Settings.CONFIG.env();

  /** Environment variables that are read before the options are ({@code VIGIL_CONFIG}) or are none (the launcher's). */
  public static final Set<String> NON_OPTION_ENV = nonOptionEnv();

  private final Map<String, String> env;
  private final Path configFile;
  private final Map<String, Entry> fileValues;

  /** One key of the config file: its value as picocli reads it, and its line for messages. */
  record Entry(String value, int line) {}

  public VigilDefaults(Map<String, String> env, Path configFile) {
    this.env = Map.copyOf(env);
    this.configFile = configFile;
    this.fileValues = configFile == null ? Map.of() : read(configFile);
  }

  /** The provider for {@code args}: the config file is {@code --config FILE} if given, else {@code VIGIL_CONFIG}. */
  public static VigilDefaults forArgs(Map<String, String> env, String[] args) {
    String file = env.get(CONFIG_ENV);
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      }
    }
    return new VigilDefaults(env, file == null || file.isBlank() ? null : Path.of(file));
  }

  public static VigilDefaults of(CommandSpec spec) {
    CommandLine.IDefaultValueProvider provider = spec.defaultValueProvider();
    return provider instanceof VigilDefaults defaults ? defaults : new VigilDefaults(Map.of(), null);
  }

  public static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String key = key(option);
    String fromEnv = env.get(Setting.envName(key));
    if (fromEnv != null) {
      return fromEnv;
    }
    Entry fromFile = fileValues.get(key);
    return fromFile == null ? null : fromFile.value();
  }

  /** Where the value of {@code option} came from, for an error message; empty when from the command line. */
  public String sourceOf(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return "";
    }
    String key = key(option);
    if (env.containsKey(Setting.envName(key))) {
      return " (from environment variable " + Setting.envName(key) + ")";
    }
    Entry entry = fileValues.get(key);
    return entry == null ? "" : " (from " + configFile + " line " + entry.line() + ", key '" + key + "')";
  }

  /** Refuses a config file key that is no option of this command, naming the key and its line. */
  public void checkFileKeys(CommandSpec spec) {
    Set<String> known = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      known.add(key(option));
    }
    for (var entry : fileValues.entrySet()) {
      if (!known.contains(entry.getKey())) {
        throw new StartupException(configFile + " line " + entry.getValue().line() + ": unknown key '"
            + entry.getKey() + "'; known keys: " + String.join(", ", known));
      }
    }
  }

  private static Set<String> nonOptionEnv() {
    Set<String> names = new TreeSet<>(Set.of(CONFIG_ENV));
    Settings.ALL.stream().filter(setting -> !setting.option()).forEach(setting -> names.add(setting.env()));
    return Set.copyOf(names);
  }

  /**
   * Reads the top level of a YAML mapping: scalars as they are, lists joined with commas, and maps
   * (the {@code *-property} options) as {@code k=v,k2=v2}.
   */
  private static Map<String, Entry> read(Path file) {
    if (!Files.isReadable(file)) {
      throw new StartupException("config file " + file + " does not exist or cannot be read");
    }
    Map<String, Entry> values = new LinkedHashMap<>();
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new StartupException("config file " + file + " must be a YAML mapping of option names to values");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        int line = parser.currentTokenLocation().getLineNr();
        parser.nextToken();
        JsonNode value = dev.vigil.schemas.Json.mapper().readTree(parser);
        if (values.put(key, new Entry(text(value, file, key, line), line)) != null) {
          throw new StartupException(file + " line " + line + ": key '" + key + "' is given twice");
        }
      }
    } catch (IOException e) {
      throw new StartupException("config file " + file + " is not valid YAML: " + e.getMessage());
    }
    return values;
  }

  private static String text(JsonNode value, Path file, String key, int line) {
    if (value.isValueNode()) {
      return value.asText();
    }
    List<String> parts = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(v -> parts.add(v.asText()));
    } else {
      value.fields().forEachRemaining(f -> {
        if (!f.getValue().isValueNode()) {
          throw new StartupException(file + " line " + line + ": key '" + key + "." + f.getKey()
              + "' must be a plain value");
        }
        parts.add(f.getKey() + "=" + f.getValue().asText());
      });
    }
    return String.join(",", parts);
  }
}
