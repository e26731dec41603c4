package dev.vigil.ingest.identity;

import java.util.Map;
import java.util.regex.Pattern;

/** What a cluster name, a workspace and a cluster's labels may be. */
public final class ClusterNames {
  /** Cluster names and workspaces: a DNS label, with dots allowed inside. */
  public static final Pattern NAME_PATTERN = Pattern.compile("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$");

  /** Most labels one cluster may carry; a workspace's quota may be lower. */
  public static final int MAX_LABELS = 64;

  static final int MAX_LABEL_KEY_CHARS = 253;
  static final int MAX_LABEL_VALUE_CHARS = 1024;

  private ClusterNames() {}

  /** @throws IllegalArgumentException naming {@code what} unless {@code name} is a valid name */
  public static void requireName(String what, String name) {
    if (name == null || !NAME_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' is not valid: use 1-63 lower-case letters, digits, '-' or '.', starting and"
              + " ending with a letter or digit");
    }
  }

  /**
   * An immutable copy of {@code labels} (none: empty).
   *
   * @throws IllegalArgumentException for too many labels, or a key or value out of bounds
   */
  static Map<String, String> checkLabels(Map<String, String> labels) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException("at most " + MAX_LABELS + " labels are allowed");
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String key = label.getKey();
      String value = label.getValue();
      if (key == null || key.isEmpty() || key.length() > MAX_LABEL_KEY_CHARS) {
        throw new IllegalArgumentException(
            "label keys must be 1.." + MAX_LABEL_KEY_CHARS + " characters");
      }
      if (value == null || value.length() > MAX_LABEL_VALUE_CHARS) {
        throw new IllegalArgumentException(
            "label '" + key + "' needs a string value of at most " + MAX_LABEL_VALUE_CHARS
                + " characters");
      }
    }
    return Map.copyOf(labels);
  }
}
