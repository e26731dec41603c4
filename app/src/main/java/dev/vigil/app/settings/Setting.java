package dev.vigil.app.settings;

import dev.vigil.app.memory.MemoryBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One setting of the server commands, declared once in {@link Settings}. The flag, the config-file
 * key, the environment variable, {@code --help} and the README's configuration table are all made
 * from it.
 *
 * @param key the config-file key; the flag is {@code --key} and the environment variable
 *     {@code VIGIL_KEY} (upper case, {@code -} as {@code _})
 * @param kind the Java type of the value and how the command line reads it
 * @param unit what a value is, in a word or two: the help's parameter label and the README's value column
 * @param defaultValue the default as it would be typed, or null when there is none
 * @param whenUnset what happens when there is no value and no default (README Markdown), or empty
 * @param doc what the setting does, one line of README Markdown (the help shows it as plain text)
 * @param option false for an environment variable that is no option (read by the launcher script)
 * @param <T> the type of the value
 */
public record Setting<T>(String key, Kind<T> kind, String unit, String defaultValue, String whenUnset, String doc,
    boolean option) {
  private static final String ENV_PREFIX = "VIGIL_";

  /** The environment variable of the option {@code --key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String flag() {
    return "--" + key;
  }

  public String env() {
    return envName(key);
  }

  /** The help text: the doc as plain text, with the environment variable and the default. */
  String help() {
    String text = plain(doc) + " (env " + env() + (kind.split ? ", comma-separated" : "");
    if (defaultValue != null) {
      return text + ", default ${DEFAULT-VALUE})";
    }
    return text + (whenUnset.isEmpty() ? ")" : "; default: " + plain(whenUnset) + ")");
  }

  /** A new picocli option of this setting (an option belongs to one command). */
  OptionSpec optionSpec() {
    OptionSpec.Builder option = OptionSpec.builder(flag());
    option.type(kind.type);
    option.auxiliaryTypes(kind.auxiliaryTypes);
    option.paramLabel("<" + unit + ">");
    option.description(help());
    if (defaultValue != null) {
      option.defaultValue(defaultValue);
    }
    if (kind.split) {
      option.splitRegex(",");
    }
    if (kind.type == Map.class) {
      option.mapFallbackValue("");
    }
    if (kind.converter != null) {
      option.converters(kind.converter);
    }
    return option.build();
  }

  /** The value of this setting in {@code option} as parsed: the kind's empty value when there is none. */
  T valueOf(OptionSpec option) {
    Object value = option.getValue();
    return value == null ? kind.absent : kind.cast(value);
  }

  /**
   * Markdown to plain text for the help: code spans lose their backticks, a link keeps its text (a
   * link to a README section says so), and the ellipsis is written with dots.
   */
  static String plain(String markdown) {
    return markdown.replaceAll("\\[([^]]*)]\\(#[^)]*\\)", "$1 in the README")
        .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
        .replace("`", "")
        .replace("…", "...");
  }

  /**
   * The Java type of a setting's value and how picocli reads it. Scalars use picocli's own converters,
   * so a bad value is reported as picocli reports it; a list or map value is comma-separated.
   *
   * @param <T> the type of the value
   */
  public static final class Kind<T> {
    public static final Kind<String> TEXT = new Kind<>(String.class, false, null, null);
    public static final Kind<Path> PATH = new Kind<>(Path.class, false, null, null);
    public static final Kind<Integer> INT = new Kind<>(int.class, false, null, null);
    public static final Kind<Long> LONG = new Kind<>(long.class, false, null, null);
    public static final Kind<Double> DOUBLE = new Kind<>(double.class, false, null, null);
    public static final Kind<Boolean> FLAG = new Kind<>(boolean.class, false, null, false);
    public static final Kind<Duration> DURATION = new Kind<>(Duration.class, false, null, null);
    /** A size with an optional binary unit, {@code 768m} or {@code 2g}: {@link MemoryBudget#parseSize}. */
    public static final Kind<Long> SIZE = new Kind<>(long.class, false, new MemoryBudget.SizeConverter(), null);
    public static final Kind<List<String>> TEXTS = new Kind<>(List.class, true, null, List.of(), String.class);
    public static final Kind<List<Path>> PATHS = new Kind<>(List.class, true, null, List.of(), Path.class);
    public static final Kind<Map<String, String>> PROPERTIES =
        new Kind<>(Map.class, true, null, Map.of(), String.class, String.class);

    private final Class<?> type;
    private final Class<?>[] auxiliaryTypes;
    private final boolean split;
    private final ITypeConverter<?> converter;
    private final T absent;

    private Kind(Class<?> type, boolean split, ITypeConverter<?> converter, T absent, Class<?>... auxiliaryTypes) {
      this.type = type;
      this.split = split;
      this.converter = converter;
      this.absent = absent;
      this.auxiliaryTypes = auxiliaryTypes.length == 0 ? new Class<?>[] {type} : auxiliaryTypes;
    }

    /** Whether a value is comma-separated (a list, or {@code k=v} pairs). */
    public boolean split() {
      return split;
    }

    /** The value when none is given and there is no default: null, or an empty list or map. */
    T absent() {
      return absent;
    }

    @SuppressWarnings("unchecked")
    T cast(Object value) {
      if (value instanceof List<?> list) {
        return (T) List.copyOf(list);
      }
      if (value instanceof Map<?, ?> map) {
        return (T) Map.copyOf(map);
      }
      return (T) value;
    }
  }
}
