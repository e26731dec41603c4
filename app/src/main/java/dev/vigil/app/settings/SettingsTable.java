package dev.vigil.app.settings;

import dev.vigil.app.memory.MemoryBudget;

/**
 * The root README's configuration table, made from {@link Settings}. README.md holds it between
 * {@link #BEGIN} and {@link #END}; {@code SettingsTableTest} fails when it differs and rewrites it with
 * {@code -Dvigil.settings.write=true}.
 */
public final class SettingsTable {
  static final String BEGIN = "<!-- settings table: made from dev.vigil.app.settings.Settings by SettingsTableTest -->";
  static final String END = "<!-- end of settings table -->";

  private SettingsTable() {}

  /** The table in Markdown, one row per setting. */
  public static String markdown() {
    StringBuilder table = new StringBuilder("""
        | flag / key | environment | default | value | meaning |
        |---|---|---|---|---|
        """);
    for (Setting<?> setting : Settings.ALL) {
      table.append(row(setting.option() ? "`" + setting.flag() + "`" : "",
          "`" + setting.env() + "`" + (setting.kind().split() ? " (comma-separated)" : ""),
          defaultCell(setting), setting.unit(), setting.doc()));
    }
    return table.toString();
  }

  /** {@code readme} with the text between the markers replaced by {@link #markdown()}. */
  public static String replaceIn(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the README has no settings table between '" + BEGIN + "' and '" + END + "'");
    }
    return readme.substring(0, begin + BEGIN.length()) + "\n\n" + markdown() + "\n" + readme.substring(end);
  }

  private static String row(String... cells) {
    StringBuilder row = new StringBuilder("|");
    for (String cell : cells) {
      row.append(cell.isEmpty() ? " |" : " " + cell + " |");
    }
    return row.append('\n').toString();
  }

  private static String defaultCell(Setting<?> setting) {
    if (setting.defaultValue() == null) {
      return setting.whenUnset().isEmpty() ? "" : "(" + setting.whenUnset() + ")";
    }
    String cell = "`" + setting.defaultValue() + "`";
    if (setting.unit().equals("bytes") && Long.parseLong(setting.defaultValue()) >= MemoryBudget.MIB) {
      cell += " (" + MemoryBudget.format(Long.parseLong(setting.defaultValue())) + ")";
    }
    return cell;
  }
}
