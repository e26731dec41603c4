package dev.vigil.detection.sigma;

import dev.vigil.detection.sigma.RuleError.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads and compiles every rule of a {@link SigmaConfig}: the shipped rules, then the rules dir. */
final class SigmaRuleLoader {

  /** The shipped rules' folder on the class path; {@code index.txt} there lists the files. */
  static final String SHIPPED = "dev/vigil/detection/sigma/rules/";

  static final String SHIPPED_PREFIX = "shipped:";

  /** What one load found: compiled rules, errors (by file), and how many files were for other log sources. */
  record Loaded(List<SigmaRule> rules, List<RuleError> errors, List<String> invalidFiles, int foreign) {}

  private SigmaRuleLoader() {}

  static Loaded load(SigmaConfig config) {
    List<SigmaCompiler.Result> results = new ArrayList<>();
    if (config.shippedRules()) {
      for (String name : shippedNames()) {
        SigmaCompiler.Result result = SigmaCompiler.compile(SHIPPED_PREFIX + name, resource(SHIPPED + name));
        results.add(relocate(result, name));
      }
    }
    if (config.rulesDir() != null) {
      for (Path file : ruleFiles(config.rulesDir())) {
        String relative = config.rulesDir().relativize(file).toString();
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          results.add(new SigmaCompiler.Result(file.toString(), null, 0, null,
              List.of(new RuleError(file.toString(), 0, null, Kind.YAML_SYNTAX,
                  "cannot read the file as UTF-8 text: " + e.getMessage())), false));
          continue;
        }
        results.add(relocate(SigmaCompiler.compile(file.toString(), text), relative));
      }
    }

    List<SigmaRule> rules = new ArrayList<>();
    List<RuleError> errors = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    Map<String, String> firstFileById = new LinkedHashMap<>();
    int foreign = 0;
    for (SigmaCompiler.Result result : results) {
      if (result.foreign()) {
        foreign++;
        continue;
      }
      List<RuleError> own = new ArrayList<>(result.errors());
      if (result.ruleId() != null) {
        String first = firstFileById.putIfAbsent(result.ruleId().toLowerCase(Locale.ROOT), result.file());
        if (first != null) {
          own.add(new RuleError(result.file(), result.idLine(), result.ruleId(), Kind.DUPLICATE_ID,
              "the id is already used by " + first + ": both would raise alert type "
                  + SigmaRule.alertType(result.ruleId()) + "; give this rule its own id or remove one file"));
        }
      }
      if (own.isEmpty()) {
        rules.add(result.rule());
      } else {
        errors.addAll(own);
        invalid.add(result.file());
      }
    }
    return new Loaded(List.copyOf(rules), List.copyOf(errors), List.copyOf(invalid), foreign);
  }

  /** Findings name a rule by its path inside its folder, never by a path of the machine. */
  private static SigmaCompiler.Result relocate(SigmaCompiler.Result result, String name) {
    SigmaRule rule = result.rule();
    if (rule == null) {
      return result;
    }
    SigmaRule moved = new SigmaRule(name, rule.id(), rule.title(), rule.author(), rule.info(),
        rule.interest(), rule.matcher(), rule.shadow());
    return new SigmaCompiler.Result(result.file(), result.ruleId(), result.idLine(), moved,
        result.errors(), result.foreign());
  }

  /** Every {@code *.yml} and {@code *.yaml} under {@code dir}, sorted, skipping hidden files and folders. */
  static List<Path> ruleFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("rules dir " + dir + " is not a directory: create it, or"
          + " point --rules-dir at the folder that holds your Sigma rule files");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !hidden(dir.relativize(p)))
          .filter(p -> {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".yml") || name.endsWith(".yaml");
          })
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list rules dir " + dir, e);
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  static List<String> shippedNames() {
    List<String> names = new ArrayList<>();
    for (String line : resource(SHIPPED + "index.txt").split("\n")) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        names.add(name);
      }
    }
    return names;
  }

  private static String resource(String name) {
    try (InputStream in = SigmaRuleLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the shipped rule resource " + name + " is missing from the build");
      }
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return reader.lines().collect(Collectors.joining("\n", "", "\n"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
