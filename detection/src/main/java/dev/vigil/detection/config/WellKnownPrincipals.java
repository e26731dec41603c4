package dev.vigil.detection.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The noise defaults: well-known system and operator principals trusted per alert type, each with
 * the reason and the peer ruleset that excludes it too. Read from {@code well-known-principals.yaml}
 * beside this class and layered under the shipped defaults; documented in {@code detection/NOISE.md}.
 */
public final class WellKnownPrincipals {

  static final String RESOURCE = "well-known-principals.yaml";

  /**
   * One well-known principal (or product with several accounts).
   *
   * @param name what it is, as written in NOISE.md
   * @param users user names, exact or a prefix ending in {@code *}
   * @param groups groups, exact or a prefix ending in {@code *}
   * @param alertTypes the single-event alert types that trust it
   * @param reason why its requests are not findings for those types
   * @param peer which peer ruleset excludes it, and where
   */
  public record Principal(
      String name,
      List<String> users,
      List<String> groups,
      List<String> alertTypes,
      String reason,
      String peer) {

    public Principal {
      users = users == null ? List.of() : List.copyOf(users);
      groups = groups == null ? List.of() : List.copyOf(groups);
      alertTypes = List.copyOf(alertTypes);
      if (name == null || name.isBlank() || reason == null || reason.isBlank()
          || peer == null || peer.isBlank() || alertTypes.isEmpty()
          || (users.isEmpty() && groups.isEmpty())) {
        throw new IllegalArgumentException(
            RESOURCE + ": entry \"" + name + "\" needs a name, users or groups, alertTypes, a"
                + " reason and a peer");
      }
    }
  }

  private record File(List<Principal> principals) {}

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final List<Principal> SHIPPED = load();

  private WellKnownPrincipals() {}

  /** The shipped entries, in file order. */
  public static List<Principal> shipped() {
    return SHIPPED;
  }

  /** The shipped entries as a detection config layer ({@code alertTypes.<type>.trusted}). */
  static String asRulesLayer() {
    Map<String, Map<String, Object>> types = new LinkedHashMap<>();
    for (Principal principal : SHIPPED) {
      for (String type : principal.alertTypes()) {
        Map<String, Object> trusted =
            types.computeIfAbsent(type, t -> new LinkedHashMap<>());
        merge(trusted, "users", principal.users());
        merge(trusted, "groups", principal.groups());
      }
    }
    Map<String, Object> alertTypes = new LinkedHashMap<>();
    types.forEach((type, trusted) -> alertTypes.put(type, Map.of("trusted", trusted)));
    try {
      return YAML.writeValueAsString(Map.of("alertTypes", alertTypes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> trusted, String key, List<String> values) {
    if (!values.isEmpty()) {
      ((List<String>) trusted.computeIfAbsent(key, k -> new ArrayList<String>()))
          .addAll(values);
    }
  }

  private static List<Principal> load() {
    try (InputStream in = WellKnownPrincipals.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return List.copyOf(YAML.readValue(in, File.class).principals());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
