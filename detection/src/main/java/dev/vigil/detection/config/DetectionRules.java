package dev.vigil.detection.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Allow-lists and data lists of the detector catalogue: a YAML file layered on the defaults shipped
 * in {@code detection-defaults.yaml} (same folder as this class). Layout:
 *
 * <pre>
 * inheritDefaults: true          # false: start from nothing instead of the shipped defaults
 * trusted:                       # trusted by every alert type
 *   users: [system:apiserver]    # exact, or a prefix ending in *
 *   groups: []
 *   namespaces: []
 *   images: []                   # repositories: nginx, registry.example.com/ (prefix)
 * alertTypes:
 *   K8S_PrivilegedContainer:
 *     enabled: true
 *     trusted: {images: [docker.io/calico/node]}
 * lists:
 *   minerImages: [xmrig]
 * </pre>
 *
 * <p>A layer appends to the lists of the layers below it and overrides {@code enabled}. Four alert
 * types are off until switched on ({@link #OPT_IN_TYPES}); a layer that gives one of them trusted
 * entries without saying {@code enabled} switches it on. Any unknown key, unknown alert type or
 * unknown list is an error naming the key and its line.
 */
public final class DetectionRules {

  /** The defaults, on the classpath beside this class. */
  static final String DEFAULTS_RESOURCE = "detection-defaults.yaml";

  /** Alert types that are off unless a configuration switches them on (they need site knowledge). */
  public static final Set<String> OPT_IN_TYPES =
      Set.of(
          "VIGIL_DisallowedUser",
          "VIGIL_DisallowedNamespace",
          "VIGIL_DisallowedImage",
          "VIGIL_ResourceActivity");

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static final DetectionRules DEFAULTS = loadDefaults();

  private final List<String> sources;
  private final Trusted global;
  private final Map<String, TypeRules> types;
  private final Map<ListName, List<String>> lists;

  private DetectionRules(
      List<String> sources,
      Trusted global,
      Map<String, TypeRules> types,
      Map<ListName, List<String>> lists) {
    this.sources = List.copyOf(sources);
    this.global = global;
    this.types = Map.copyOf(types);
    EnumMap<ListName, List<String>> copy = new EnumMap<>(ListName.class);
    for (ListName name : ListName.values()) {
      copy.put(name, List.copyOf(lists.getOrDefault(name, List.of())));
    }
    this.lists = copy;
  }

  private static DetectionRules empty() {
    return new DetectionRules(List.of(), Trusted.NONE, Map.of(), Map.of());
  }

  /** The shipped defaults. */
  public static DetectionRules defaults() {
    return DEFAULTS;
  }

  /**
   * The shipped defaults with {@code file} layered on top.
   *
   * @throws IllegalArgumentException naming the file, the line and what is wrong, when the file is
   *     missing, not YAML, or has an unknown key, alert type or list
   */
  public static DetectionRules load(Path file) {
    return defaults().overlay(file);
  }

  /** These rules with {@code file} layered on top. */
  public DetectionRules overlay(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "detection config " + file + " does not exist: give the path of a readable YAML file");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "detection config " + file + " cannot be read: " + e.getMessage(), e);
    }
    return overlay(file.toString(), text);
  }

  /** These rules with the YAML {@code text} (named {@code source} in errors) layered on top. */
  public DetectionRules overlay(String source, String text) {
    return merge(source, parse(source, text), false);
  }

  /** Whether the built-in detector of this type runs. */
  public boolean enabled(String alertType) {
    TypeRules rules = types.get(alertType);
    if (rules != null && rules.enabled() != null) {
      return rules.enabled();
    }
    return !OPT_IN_TYPES.contains(alertType);
  }

  /** What this alert type trusts: the global section plus its own. */
  public Allowlist allowlist(String alertType) {
    TypeRules rules = types.get(alertType);
    Trusted merged = rules == null ? global : global.plus(rules.trusted());
    return merged.isEmpty()
        ? Allowlist.empty()
        : new Allowlist(merged.users(), merged.groups(), merged.namespaces(), merged.images());
  }

  /** One data list. */
  public List<String> list(ListName name) {
    return lists.get(name);
  }

  /** The files (or resources) these rules were read from, lowest layer first. */
  public List<String> sources() {
    return sources;
  }

  /**
   * Fails when the configuration names an alert type that is not in {@code known}: a typo would
   * otherwise leave a detector untuned without anyone noticing.
   */
  public void requireKnownAlertTypes(Collection<String> known) {
    for (Map.Entry<String, TypeRules> entry : types.entrySet()) {
      if (!known.contains(entry.getKey())) {
        throw new IllegalArgumentException(
            "detection config "
                + entry.getValue().origin()
                + ": unknown alert type \""
                + entry.getKey()
                + "\" under alertTypes; known types: "
                + new TreeSet<>(known));
      }
    }
  }

  private DetectionRules merge(String source, RulesFile file, boolean isDefaults) {
    DetectionRules base = Boolean.FALSE.equals(file.inheritDefaults()) ? empty() : this;
    List<String> newSources = new ArrayList<>(base.sources);
    newSources.add(source);
    Trusted newGlobal = base.global.plus(Trusted.of(source, "trusted", file.trusted()));
    Map<String, TypeRules> newTypes = new LinkedHashMap<>(base.types);
    if (file.alertTypes() != null) {
      for (Map.Entry<TypeKey, TypeFile> entry : file.alertTypes().entrySet()) {
        String type = entry.getKey().name();
        TypeFile section = entry.getValue() == null ? new TypeFile(null, null) : entry.getValue();
        Trusted trusted = Trusted.of(source, "alertTypes." + type + ".trusted", section.trusted());
        Boolean enabled = section.enabled();
        if (enabled == null && !isDefaults && OPT_IN_TYPES.contains(type) && !trusted.isEmpty()) {
          enabled = true;
        }
        TypeRules old = newTypes.get(type);
        String origin = source + ", line " + entry.getKey().line();
        newTypes.put(
            type,
            old == null
                ? new TypeRules(enabled, trusted, origin)
                : new TypeRules(
                    enabled == null ? old.enabled() : enabled, old.trusted().plus(trusted), origin));
      }
    }
    Map<ListName, List<String>> newLists = new EnumMap<>(ListName.class);
    newLists.putAll(base.lists);
    if (file.lists() != null) {
      for (Map.Entry<ListName, List<String>> entry : file.lists().entrySet()) {
        List<String> values =
            checked(source, "lists." + entry.getKey().key(), entry.getValue());
        newLists.put(entry.getKey(), union(newLists.getOrDefault(entry.getKey(), List.of()), values));
      }
    }
    return new DetectionRules(newSources, newGlobal, newTypes, newLists);
  }

  private static RulesFile parse(String source, String text) {
    try {
      RulesFile file = YAML.readValue(text, RulesFile.class);
      return file == null ? new RulesFile(null, null, null, null) : file;
    } catch (UnrecognizedPropertyException e) {
      Set<String> known =
          e.getKnownPropertyIds() == null
              ? Set.of()
              : e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .collect(Collectors.toCollection(TreeSet::new));
      String parent = path(e, 1);
      int line = lineOf(text, fieldNames(e));
      throw new IllegalArgumentException(
          "detection config "
              + source
              + ", line "
              + (line > 0 ? Integer.toString(line) : line(e.getLocation()))
              + ": unknown key \""
              + e.getPropertyName()
              + "\""
              + (parent.isEmpty() ? "" : " under " + parent)
              + "; known keys there: "
              + known,
          e);
    } catch (JsonMappingException e) {
      String where = path(e, 0);
      throw new IllegalArgumentException(
          "detection config "
              + source
              + ", line "
              + line(e.getLocation())
              + (where.isEmpty() ? "" : " (" + where + ")")
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "detection config "
              + source
              + " is not valid YAML, line "
              + line(e.getLocation())
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** The field names of the path to the failing value (array indexes as {@code [i]}). */
  private static List<String> fieldNames(JsonMappingException e) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      names.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return names;
  }

  /**
   * The line of the key at {@code path}, found by streaming the YAML again: Jackson reports an
   * unknown property of a record only once the whole record is read, at its end.
   */
  private static int lineOf(String text, List<String> path) {
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      Deque<String> stack = new ArrayDeque<>();
      int depth = 0;
      String field = null;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case FIELD_NAME -> {
            field = parser.currentName();
            List<String> here = new ArrayList<>(stack);
            here.add(field);
            if (here.equals(path)) {
              return parser.currentTokenLocation().getLineNr();
            }
          }
          case START_OBJECT, START_ARRAY -> {
            if (depth > 0) {
              stack.addLast(field != null ? field : "[]");
            }
            depth++;
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            depth--;
            if (depth > 0) {
              stack.pollLast();
            }
            field = null;
          }
          default -> field = null;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static String line(JsonLocation location) {
    return location == null ? "?" : Integer.toString(location.getLineNr());
  }

  /** The dotted path of the failing value, without its last {@code drop} elements. */
  private static String path(JsonMappingException e, int drop) {
    List<JsonMappingException.Reference> refs = e.getPath();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < refs.size() - drop; i++) {
      JsonMappingException.Reference ref = refs.get(i);
      parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return String.join(".", parts);
  }

  private static List<String> checked(String source, String where, List<String> values) {
    if (values == null) {
      return List.of();
    }
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            "detection config " + source + ": " + where + " has an empty entry; remove it");
      }
    }
    return values.stream().map(String::strip).collect(Collectors.toList());
  }

  private static List<String> union(List<String> a, List<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static DetectionRules loadDefaults() {
    try (InputStream in = DetectionRules.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // The noise defaults (well-known operators, per alert type) sit under the shipped defaults.
      String noise = WellKnownPrincipals.RESOURCE;
      return empty()
          .merge(noise, parse(noise, WellKnownPrincipals.asRulesLayer()), true)
          .merge(DEFAULTS_RESOURCE, parse(DEFAULTS_RESOURCE, text), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  // ---- the merged model ----

  private record TypeRules(Boolean enabled, Trusted trusted, String origin) {}

  private record Trusted(
      List<String> users, List<String> groups, List<String> namespaces, List<String> images) {
    static final Trusted NONE = new Trusted(List.of(), List.of(), List.of(), List.of());

    static Trusted of(String source, String where, TrustedFile file) {
      if (file == null) {
        return NONE;
      }
      return new Trusted(
          checked(source, where + ".users", file.users()),
          checked(source, where + ".groups", file.groups()),
          checked(source, where + ".namespaces", file.namespaces()),
          checked(source, where + ".images", file.images()));
    }

    Trusted plus(Trusted other) {
      return new Trusted(
          union(users, other.users),
          union(groups, other.groups),
          union(namespaces, other.namespaces),
          union(images, other.images));
    }

    boolean isEmpty() {
      return users.isEmpty() && groups.isEmpty() && namespaces.isEmpty() && images.isEmpty();
    }
  }

  // ---- the file model: every key the YAML may hold ----

  record RulesFile(
      Boolean inheritDefaults,
      TrustedFile trusted,
      @JsonDeserialize(keyUsing = TypeKeyDeserializer.class) Map<TypeKey, TypeFile> alertTypes,
      Map<ListName, List<String>> lists) {}

  record TypeFile(Boolean enabled, TrustedFile trusted) {}

  record TrustedFile(
      List<String> users, List<String> groups, List<String> namespaces, List<String> images) {}

  /** An alert type key under {@code alertTypes}, with its line for error messages. */
  record TypeKey(String name, int line) {}

  static final class TypeKeyDeserializer extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext context) {
      JsonLocation location = context.getParser().currentLocation();
      return new TypeKey(key, location == null ? -1 : location.getLineNr());
    }
  }
}
