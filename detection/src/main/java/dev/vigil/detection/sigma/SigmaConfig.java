package dev.vigil.detection.sigma;

import java.nio.file.Path;

/**
 * Where Sigma rules come from and how strictly they are loaded.
 *
 * @param rulesDir a folder of rule files ({@code *.yml}, {@code *.yaml}, searched recursively,
 *     hidden files skipped), watched for changes; null for none
 * @param lenient skip an invalid rule with a warning and a metric instead of refusing to start
 * @param shippedRules also load the rules that ship with Vigil ({@code
 *     src/main/resources/dev/vigil/detection/sigma/rules})
 */
public record SigmaConfig(Path rulesDir, boolean lenient, boolean shippedRules) {

  /** Only the shipped rules, strictly. */
  public static SigmaConfig defaults() {
    return new SigmaConfig(null, false, true);
  }

  public SigmaConfig withRulesDir(Path dir) {
    return new SigmaConfig(dir, lenient, shippedRules);
  }

  public SigmaConfig withLenient(boolean skipInvalid) {
    return new SigmaConfig(rulesDir, skipInvalid, shippedRules);
  }

  public SigmaConfig withShippedRules(boolean load) {
    return new SigmaConfig(rulesDir, lenient, load);
  }
}
