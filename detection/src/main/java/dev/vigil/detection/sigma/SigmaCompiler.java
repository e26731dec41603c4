package dev.vigil.detection.sigma;

import dev.vigil.detection.sigma.RuleError.Kind;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.schemas.Severity;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Compiles the text of one Sigma rule file into a {@link SigmaRule}, or into every {@link RuleError}
 * it has (the compiler keeps going after an error, so one start-up lists them all). SnakeYAML's node
 * API is used rather than a data binding because every node carries its line.
 */
final class SigmaCompiler {

  /** What compiling one file gave: a rule, errors, or neither when the rule is for another log source. */
  record Result(
      String file, String ruleId, int idLine, SigmaRule rule, List<RuleError> errors, boolean foreign) {
    static Result foreign(String file) {
      return new Result(file, null, 0, null, List.of(), true);
    }
  }

  static final String PRODUCT = "kubernetes";
  static final String SERVICE = "audit";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final Pattern TECHNIQUE_TAG = Pattern.compile("attack\\.(t[0-9]{4}(\\.[0-9]{3})?)");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

  /** MITRE ATT&CK tactics by their Sigma tag (after {@code attack.}, with {@code -} read as {@code _}). */
  private static final Map<String, String> TACTICS = new LinkedHashMap<>();

  static {
    for (String tactic :
        List.of(
            "Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
            "PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery",
            "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact")) {
      TACTICS.put(tactic.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT), tactic);
    }
  }

  private static final Set<String> LEVELS = Set.of("informational", "low", "medium", "high", "critical");

  /** Modifiers of the Sigma specification that Vigil does not implement, named in the error. */
  private static final Set<String> KNOWN_UNSUPPORTED =
      Set.of(
          "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "lt", "lte",
          "gt", "gte", "expand", "fieldref", "neq", "minute", "hour", "day", "week", "month", "year");

  private static final String SUPPORTED_MODIFIERS =
      "contains, startswith, endswith, re (with i, m, s), cidr, all, exists, cased";

  /** The fields a keyword is searched in. */
  static final List<String> KEYWORD_FIELDS =
      List.of(
          "requestURI", "userAgent", "user.username", "objectRef.namespace", "objectRef.name",
          "responseStatus.message");

  private final String file;
  private final List<RuleError> errors = new ArrayList<>();
  private String ruleId;
  private int idLine;

  private SigmaCompiler(String file) {
    this.file = file;
  }

  /** Compiles one rule file's text; {@code file} names it in errors and findings. */
  static Result compile(String file, String text) {
    return new SigmaCompiler(file).run(text);
  }

  private Result run(String text) {
    List<Node> documents = new ArrayList<>();
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(20);
      options.setAllowRecursiveKeys(false);
      for (Node node : new Yaml(new SafeConstructor(options)).composeAll(new StringReader(text))) {
        if (node != null) {
          documents.add(node);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      error(line, Kind.YAML_SYNTAX, "not valid YAML: " + problem.strip());
      return result(null);
    } catch (YAMLException e) {
      error(0, Kind.YAML_SYNTAX, "not valid YAML: " + e.getMessage());
      return result(null);
    }
    if (documents.isEmpty()) {
      error(0, Kind.YAML_SYNTAX, "the file is empty: a Sigma rule is one YAML mapping");
      return result(null);
    }
    if (documents.size() > 1) {
      error(
          line(documents.get(1)),
          Kind.YAML_SYNTAX,
          "the file holds " + documents.size() + " YAML documents: rule collections are not"
              + " supported, put one rule per file");
      return result(null);
    }
    Node root = documents.get(0);
    if (!(root instanceof MappingNode rootMap)) {
      error(line(root), Kind.YAML_SYNTAX, "a Sigma rule is a YAML mapping (title:, id:, detection:, ...)");
      return result(null);
    }
    Map<String, NodeTuple> top = mapping(rootMap);

    ruleId = optionalText(top, "id");
    idLine = line(value(top, "id"));
    Node logsource = value(top, "logsource");
    if (logsource == null) {
      error(line(root), Kind.MISSING_KEY, "missing logsource: Vigil loads rules with"
          + " \"logsource: {product: kubernetes, service: audit}\"");
      return result(null);
    }
    if (!(logsource instanceof MappingNode logsourceMap)) {
      error(line(logsource), Kind.BAD_VALUE, "logsource must be a mapping of product, service, category");
      return result(null);
    }
    Map<String, NodeTuple> source = mapping(logsourceMap);
    String product = optionalText(source, "product");
    String service = optionalText(source, "service");
    if (!PRODUCT.equalsIgnoreCase(product) || !SERVICE.equalsIgnoreCase(service)) {
      return Result.foreign(file);
    }

    if (ruleId == null) {
      error(line(root), Kind.MISSING_KEY, "missing id: give the rule a stable id (a UUID); the alert type is SIGMA_<id>");
    } else if (!ID.matcher(ruleId).matches()) {
      error(line(value(top, "id")), Kind.BAD_VALUE,
          "id \"" + ruleId + "\" may hold only letters, digits, '-' and '_' (it becomes the alert type SIGMA_<id>)");
    }
    String title = optionalText(top, "title");
    if (title == null || title.isBlank()) {
      error(line(root), Kind.MISSING_KEY, "missing title: it is the alert's display name");
    }
    Severity severity = severity(top, line(root));
    String author = optionalText(top, "author");
    List<String> tactics = new ArrayList<>();
    List<String> techniques = new ArrayList<>();
    tags(top, tactics, techniques);
    List<String> remediation = remediation(top);

    Node detection = value(top, "detection");
    EventMatcher matcher = null;
    Interest interest = Interest.any();
    if (detection == null) {
      error(line(root), Kind.MISSING_KEY, "missing detection: it holds the selections and the condition");
    } else if (!(detection instanceof MappingNode detectionMap)) {
      error(line(detection), Kind.BAD_VALUE, "detection must be a mapping of selections and a condition");
    } else {
      Compiled compiled = detection(detectionMap);
      if (compiled != null) {
        matcher = compiled.matcher();
        interest = compiled.interest();
      }
    }
    if (!errors.isEmpty()) {
      return result(null);
    }
    DetectorInfo info =
        new DetectorInfo(
            SigmaRule.alertType(ruleId), title.strip(), severity, tactics, techniques, remediation);
    return result(
        new SigmaRule(file, ruleId, title.strip(), author, info, interest, matcher, shadow(top)));
  }

  /** Vigil's own metadata key {@code shadow: true} (default false); any other value is an error. */
  private boolean shadow(Map<String, NodeTuple> top) {
    Node node = value(top, "shadow");
    if (node == null) {
      return false;
    }
    String text = scalar(node);
    if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
      return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
    }
    error(line(node), Kind.BAD_VALUE, "shadow must be true or false");
    return false;
  }

  private Result result(SigmaRule rule) {
    return new Result(file, ruleId, idLine, rule, List.copyOf(errors), false);
  }

  private Severity severity(Map<String, NodeTuple> top, int rootLine) {
    Node node = value(top, "level");
    if (node == null) {
      error(rootLine, Kind.MISSING_KEY, "missing level: one of " + String.join(", ", new java.util.TreeSet<>(LEVELS)));
      return Severity.Medium;
    }
    String level = scalar(node);
    if (level == null || !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      error(line(node), Kind.BAD_VALUE, "level \"" + (level == null ? node.getNodeId() : level)
          + "\" is not one of informational, low, medium, high, critical");
      return Severity.Medium;
    }
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "informational" -> Severity.Informational;
      case "low" -> Severity.Low;
      case "medium" -> Severity.Medium;
      // Vigil's severities end at High, as the seed product's do.
      default -> Severity.High;
    };
  }

  private void tags(Map<String, NodeTuple> top, List<String> tactics, List<String> techniques) {
    for (String tag : stringList(top, "tags")) {
      String lower = tag.toLowerCase(Locale.ROOT);
      java.util.regex.Matcher technique = TECHNIQUE_TAG.matcher(lower);
      if (technique.matches()) {
        String id = technique.group(1).toUpperCase(Locale.ROOT);
        if (!techniques.contains(id)) {
          techniques.add(id);
        }
      } else if (lower.startsWith("attack.")) {
        String tactic = TACTICS.get(lower.substring("attack.".length()).replace('-', '_'));
        if (tactic != null && !tactics.contains(tactic)) {
          tactics.add(tactic);
        }
      }
    }
  }

  private List<String> remediation(Map<String, NodeTuple> top) {
    List<String> steps = new ArrayList<>();
    for (String falsePositive : stringList(top, "falsepositives")) {
      if (!falsePositive.isBlank() && !falsePositive.strip().equalsIgnoreCase("unknown")) {
        steps.add("Rule out this known false positive: " + falsePositive.strip());
      }
    }
    steps.add("Check with the user whether the request was intended; if not, treat the user's"
        + " credentials as compromised.");
    return steps;
  }

  private List<String> stringList(Map<String, NodeTuple> top, String key) {
    Node node = value(top, key);
    if (node == null) {
      return List.of();
    }
    if (node instanceof ScalarNode) {
      String text = scalar(node);
      return text == null ? List.of() : List.of(text);
    }
    List<String> out = new ArrayList<>();
    if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        String text = scalar(item);
        if (text == null) {
          error(line(item), Kind.BAD_VALUE, key + " must be a list of strings");
        } else {
          out.add(text);
        }
      }
      return out;
    }
    error(line(node), Kind.BAD_VALUE, key + " must be a list of strings");
    return out;
  }

  // ---- detection ----

  /** A compiled selection or condition, with the verbs and resources it narrows to (null: any). */
  private record Compiled(EventMatcher matcher, Set<String> verbs, Set<String> resources) {
    Interest interest() {
      return new Interest(
          verbs == null ? Set.of() : verbs, resources == null ? Set.of() : resources, true);
    }
  }

  /** Selections that failed to compile: already reported, so the condition does not report them again. */
  private final Set<String> failedSelections = new HashSet<>();

  /** Every selection name in file order, for error messages. */
  private final List<String> selectionNames = new ArrayList<>();

  private Compiled detection(MappingNode detection) {
    Map<String, Compiled> selections = new LinkedHashMap<>();
    Node conditionNode = null;
    for (NodeTuple tuple : detection.getValue()) {
      String name = scalar(tuple.getKeyNode());
      if (name == null) {
        error(line(tuple.getKeyNode()), Kind.BAD_VALUE, "a selection name must be a string");
        continue;
      }
      if (name.equals("condition")) {
        conditionNode = tuple.getValueNode();
      } else if (name.equals("timeframe")) {
        error(line(tuple.getKeyNode()), Kind.BAD_CONDITION,
            "timeframe (a correlation over several events) is not supported: Vigil evaluates one event at a time");
      } else {
        selectionNames.add(name);
        Compiled selection = selection(name, tuple.getValueNode());
        if (selection != null) {
          selections.put(name, selection);
        } else {
          failedSelections.add(name);
        }
      }
    }
    if (conditionNode == null) {
      error(line(detection), Kind.MISSING_KEY, "missing detection.condition, e.g. \"condition: selection\"");
      return null;
    }
    List<Node> conditions = new ArrayList<>();
    if (conditionNode instanceof SequenceNode list) {
      conditions.addAll(list.getValue());
    } else {
      conditions.add(conditionNode);
    }
    List<Compiled> alternatives = new ArrayList<>();
    for (Node node : conditions) {
      String text = scalar(node);
      if (text == null) {
        error(line(node), Kind.BAD_CONDITION, "the condition must be a string such as \"selection and not filter\"");
        continue;
      }
      try {
        Condition condition = Condition.parse(text);
        Compiled compiled = resolve(condition, selections, line(node), text);
        if (compiled != null) {
          alternatives.add(compiled);
        }
      } catch (Condition.SyntaxException e) {
        error(line(node), Kind.BAD_CONDITION, "bad condition \"" + text + "\": " + e.getMessage());
      }
    }
    if (alternatives.isEmpty() || !errors.isEmpty()) {
      return null;
    }
    return or(alternatives);
  }

  private Compiled resolve(Condition condition, Map<String, Compiled> selections, int line, String text) {
    if (condition instanceof Condition.Ref ref) {
      Compiled selection = selections.get(ref.name());
      if (selection == null && !failedSelections.contains(ref.name())) {
        error(line, Kind.BAD_CONDITION, "the condition \"" + text + "\" names \"" + ref.name()
            + "\", but the detection has no such selection (it has: " + String.join(", ", selectionNames) + ")");
      }
      return selection;
    }
    if (condition instanceof Condition.Not not) {
      Compiled inner = resolve(not.term(), selections, line, text);
      return inner == null ? null : new Compiled(EventMatcher.not(inner.matcher()), null, null);
    }
    if (condition instanceof Condition.And and) {
      List<Compiled> terms = resolveAll(and.terms(), selections, line, text);
      return terms == null ? null : and(terms);
    }
    if (condition instanceof Condition.Or or) {
      List<Compiled> terms = resolveAll(or.terms(), selections, line, text);
      return terms == null ? null : or(terms);
    }
    Condition.Quantified quantified = (Condition.Quantified) condition;
    List<Compiled> matched = new ArrayList<>();
    for (Map.Entry<String, Compiled> entry : selections.entrySet()) {
      String name = entry.getKey();
      boolean selected =
          quantified.pattern().equals(Condition.Quantified.THEM)
              ? !name.startsWith("_")
              : StringTest.glob(quantified.pattern(), false, false, true).test(name);
      if (selected) {
        matched.add(entry.getValue());
      }
    }
    boolean failedMatch = failedSelections.stream().anyMatch(name ->
        quantified.pattern().equals(Condition.Quantified.THEM)
            || StringTest.glob(quantified.pattern(), false, false, true).test(name));
    if (failedMatch) {
      return null;
    }
    if (matched.isEmpty()) {
      error(line, Kind.BAD_CONDITION, "the condition \"" + text + "\": \"" + quantified.pattern()
          + "\" matches no selection (the detection has: " + String.join(", ", selectionNames) + ")");
      return null;
    }
    return quantified.all() ? and(matched) : or(matched);
  }

  private List<Compiled> resolveAll(List<Condition> terms, Map<String, Compiled> selections, int line, String text) {
    List<Compiled> out = new ArrayList<>();
    boolean failed = false;
    for (Condition term : terms) {
      Compiled compiled = resolve(term, selections, line, text);
      if (compiled == null) {
        failed = true;
      } else {
        out.add(compiled);
      }
    }
    return failed ? null : out;
  }

  private static Compiled and(List<Compiled> terms) {
    List<EventMatcher> matchers = new ArrayList<>();
    Set<String> verbs = null;
    Set<String> resources = null;
    for (Compiled term : terms) {
      matchers.add(term.matcher());
      verbs = intersect(verbs, term.verbs());
      resources = intersect(resources, term.resources());
    }
    return new Compiled(EventMatcher.all(matchers), nonEmpty(verbs), nonEmpty(resources));
  }

  private static Compiled or(List<Compiled> terms) {
    List<EventMatcher> matchers = new ArrayList<>();
    Set<String> verbs = new LinkedHashSet<>();
    Set<String> resources = new LinkedHashSet<>();
    for (Compiled term : terms) {
      matchers.add(term.matcher());
      verbs = union(verbs, term.verbs());
      resources = union(resources, term.resources());
    }
    return new Compiled(EventMatcher.any(matchers), verbs, resources);
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Set<String> out = new LinkedHashSet<>(a);
    out.retainAll(b);
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (a == null || b == null) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * An empty intersection means the rule can never match; the index has no "nothing" interest, so
   * such a rule is simply offered every event (and never fires).
   */
  private static Set<String> nonEmpty(Set<String> set) {
    return set == null || set.isEmpty() ? null : set;
  }

  private Compiled selection(String name, Node node) {
    if (node instanceof MappingNode map) {
      return fieldMap(map);
    }
    if (node instanceof SequenceNode list) {
      if (list.getValue().isEmpty()) {
        error(line(node), Kind.BAD_VALUE, "selection \"" + name + "\" is an empty list");
        return null;
      }
      boolean maps = list.getValue().stream().allMatch(n -> n instanceof MappingNode);
      boolean scalars = list.getValue().stream().allMatch(n -> n instanceof ScalarNode);
      if (maps) {
        List<Compiled> alternatives = new ArrayList<>();
        for (Node item : list.getValue()) {
          Compiled compiled = fieldMap((MappingNode) item);
          if (compiled == null) {
            return null;
          }
          alternatives.add(compiled);
        }
        return or(alternatives);
      }
      if (scalars) {
        return keywords(list.getValue());
      }
      error(line(node), Kind.BAD_VALUE, "selection \"" + name
          + "\" mixes field maps and keywords: use a list of maps (OR) or a list of keywords");
      return null;
    }
    return keywords(List.of(node));
  }

  private Compiled keywords(List<Node> nodes) {
    List<StringTest> tests = new ArrayList<>();
    for (Node node : nodes) {
      String keyword = scalar(node);
      if (keyword == null) {
        error(line(node), Kind.BAD_VALUE, "a keyword must be a string");
        continue;
      }
      tests.add(StringTest.glob(keyword, true, true, false));
    }
    List<Fields.Field> fields = new ArrayList<>();
    for (String name : KEYWORD_FIELDS) {
      fields.add(Fields.resolve(name));
    }
    return new Compiled(new EventMatcher.Keywords(fields, tests.toArray(new StringTest[0])), null, null);
  }

  private Compiled fieldMap(MappingNode map) {
    if (map.getValue().isEmpty()) {
      error(line(map), Kind.BAD_VALUE, "an empty selection matches nothing useful: add field: value pairs");
      return null;
    }
    List<EventMatcher> items = new ArrayList<>();
    Set<String> verbs = null;
    Set<String> resources = null;
    boolean failed = false;
    for (NodeTuple tuple : map.getValue()) {
      Item item = item(tuple);
      if (item == null) {
        failed = true;
        continue;
      }
      items.add(item.matcher());
      if (item.plainValues() != null) {
        if (item.field().name().equals(Fields.VERB)) {
          verbs = intersect(verbs, item.plainValues());
        } else if (item.field().name().equals(Fields.RESOURCE)) {
          resources = intersect(resources, item.plainValues());
        }
      }
    }
    return failed ? null : new Compiled(EventMatcher.all(items), nonEmpty(verbs), nonEmpty(resources));
  }

  /**
   * A compiled field item; {@code plainValues} are its lower-cased literal values when it is a plain
   * equality that can narrow the interest (Kubernetes verbs and resources are lower case), else null.
   */
  private record Item(Fields.Field field, EventMatcher matcher, Set<String> plainValues) {}

  private Item item(NodeTuple tuple) {
    Node keyNode = tuple.getKeyNode();
    int keyLine = line(keyNode);
    String key = scalar(keyNode);
    if (key == null) {
      error(keyLine, Kind.BAD_VALUE, "a field name must be a string");
      return null;
    }
    String[] parts = key.split("\\|", -1);
    String fieldName = parts[0];
    Fields.Field field = Fields.resolve(fieldName);
    boolean ok = true;
    if (fieldName.isEmpty()) {
      error(keyLine, Kind.UNKNOWN_FIELD, "\"" + key + "\" has no field name before the modifiers");
      ok = false;
    } else if (field == null) {
      error(keyLine, Kind.UNKNOWN_FIELD, "unknown field \"" + fieldName
          + "\": it is not a field of a Kubernetes audit event. Use an event path (verb, requestURI,"
          + " user.username, objectRef.resource, responseStatus.code, ...), annotations.<key>,"
          + " requestObject.<path> or responseObject.<path>, or a short name ("
          + String.join(", ", Fields.shortNames()) + "); see detection/RULES.md");
      ok = false;
    }

    boolean contains = false, startsWith = false, endsWith = false, regex = false, cidr = false;
    boolean all = false, exists = false, cased = false;
    int regexFlags = 0;
    for (int i = 1; i < parts.length; i++) {
      String modifier = parts[i];
      switch (modifier) {
        case "contains" -> contains = true;
        case "startswith" -> startsWith = true;
        case "endswith" -> endsWith = true;
        case "re" -> regex = true;
        case "cidr" -> cidr = true;
        case "all" -> all = true;
        case "exists" -> exists = true;
        case "cased" -> cased = true;
        case "i", "m", "s" -> {
          if (!regex) {
            error(keyLine, Kind.UNSUPPORTED_MODIFIER, "modifier \"" + modifier + "\" in \"" + key
                + "\" is a regular-expression flag: write it after re (field|re|" + modifier + ")");
            ok = false;
          }
          regexFlags |= switch (modifier) {
            case "i" -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
            case "m" -> Pattern.MULTILINE;
            default -> Pattern.DOTALL;
          };
        }
        default -> {
          error(keyLine, Kind.UNSUPPORTED_MODIFIER, (KNOWN_UNSUPPORTED.contains(modifier)
              ? "modifier \"" + modifier + "\" is not supported"
              : "unknown modifier \"" + modifier + "\"")
              + " in \"" + key + "\": Vigil supports " + SUPPORTED_MODIFIERS);
          ok = false;
        }
      }
    }
    int kinds = (contains ? 1 : 0) + (startsWith ? 1 : 0) + (endsWith ? 1 : 0) + (regex ? 1 : 0)
        + (cidr ? 1 : 0) + (exists ? 1 : 0);
    if (kinds > 1) {
      error(keyLine, Kind.UNSUPPORTED_MODIFIER, "\"" + key + "\" combines modifiers that exclude each other:"
          + " use at most one of contains, startswith, endswith, re, cidr, exists");
      ok = false;
    }
    if (cased && (regex || cidr || exists)) {
      error(keyLine, Kind.UNSUPPORTED_MODIFIER, "\"" + key + "\": cased applies to plain, contains,"
          + " startswith and endswith values only (use re|i for a case-insensitive regular expression)");
      ok = false;
    }

    Node valueNode = tuple.getValueNode();
    List<Node> values = new ArrayList<>();
    if (valueNode instanceof SequenceNode list) {
      values.addAll(list.getValue());
      if (values.isEmpty()) {
        error(line(valueNode), Kind.BAD_VALUE, "\"" + key + "\" has an empty list of values");
        ok = false;
      }
    } else {
      values.add(valueNode);
    }
    for (Node value : values) {
      if (!(value instanceof ScalarNode)) {
        error(line(value), Kind.BAD_VALUE, "a value of \"" + key + "\" must be a string, number,"
            + " boolean or null, not a " + (value instanceof MappingNode ? "mapping" : "list"));
        ok = false;
      }
    }
    if (!ok) {
      return null;
    }

    if (exists) {
      if (values.size() != 1 || !Tag.BOOL.equals(values.get(0).getTag())) {
        error(line(valueNode), Kind.BAD_VALUE, "\"" + key + "\" takes true or false");
        return null;
      }
      boolean expected = Boolean.parseBoolean(scalar(values.get(0)).toLowerCase(Locale.ROOT));
      return new Item(field, new EventMatcher.Exists(field, expected), null);
    }

    List<StringTest> tests = new ArrayList<>();
    boolean absentMatches = false;
    Set<String> plain = new LinkedHashSet<>();
    boolean narrowing = !contains && !startsWith && !endsWith && !regex && !cidr && !all;
    for (Node value : values) {
      String text = ((ScalarNode) value).getValue();
      if (Tag.NULL.equals(value.getTag())) {
        if (regex || cidr || contains || startsWith || endsWith) {
          error(line(value), Kind.BAD_VALUE, "null (field absent) cannot be combined with a modifier in \"" + key + "\"");
          return null;
        }
        absentMatches = true;
        narrowing = false;
        continue;
      }
      if (regex) {
        try {
          tests.add(StringTest.regex(Pattern.compile(text, regexFlags)));
        } catch (PatternSyntaxException e) {
          error(line(value), Kind.BAD_VALUE, "\"" + key + "\": not a regular expression: "
              + e.getDescription() + " near index " + e.getIndex() + " of \"" + text + "\"");
          return null;
        }
        continue;
      }
      if (cidr) {
        try {
          tests.add(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
          error(line(value), Kind.BAD_VALUE, "\"" + key + "\": " + e.getMessage());
          return null;
        }
        continue;
      }
      boolean wild = hasWildcard(text);
      if (field.type() == Fields.Type.INTEGER && !wild && !contains && !startsWith && !endsWith
          && !INTEGER.matcher(text.strip()).matches()) {
        String hint = text.equalsIgnoreCase("allow") || text.equalsIgnoreCase("deny") || text.equalsIgnoreCase("forbid")
            ? "; the authorizer's decision is in annotations.authorization.k8s.io/decision (allow or forbid)"
            : "";
        error(line(value), Kind.TYPE_MISMATCH, "\"" + text + "\" can never equal " + field.name()
            + ", an integer HTTP status code such as 200 or 403" + hint);
        return null;
      }
      if (field.type() == Fields.Type.INTEGER && !wild && INTEGER.matcher(text.strip()).matches()) {
        // 0403 and 403 are the same status code; the event's code is compared as decimal text.
        text = Long.toString(Long.parseLong(text.strip()));
      }
      if (wild) {
        narrowing = false;
      } else {
        plain.add(text.toLowerCase(Locale.ROOT));
      }
      tests.add(StringTest.glob(text, contains || endsWith, contains || startsWith, cased));
    }
    EventMatcher matcher =
        new EventMatcher.FieldItem(field, tests.toArray(new StringTest[0]), all, absentMatches);
    return new Item(field, matcher, narrowing && !plain.isEmpty() ? plain : null);
  }

  /** Whether a Sigma string has an unescaped {@code *} or {@code ?}. */
  static boolean hasWildcard(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && "*?\\".indexOf(text.charAt(i + 1)) >= 0) {
        i++;
      } else if (c == '*' || c == '?') {
        return true;
      }
    }
    return false;
  }

  // ---- YAML helpers ----

  private Map<String, NodeTuple> mapping(MappingNode node) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : node.getValue()) {
      String key = scalar(tuple.getKeyNode());
      if (key == null) {
        continue;
      }
      if (!seen.add(key)) {
        error(line(tuple.getKeyNode()), Kind.BAD_VALUE, "duplicate key \"" + key + "\"");
      }
      out.put(key, tuple);
    }
    return out;
  }

  private static Node value(Map<String, NodeTuple> map, String key) {
    NodeTuple tuple = map.get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  private String optionalText(Map<String, NodeTuple> map, String key) {
    Node node = value(map, key);
    if (node == null || Tag.NULL.equals(node.getTag())) {
      return null;
    }
    String text = scalar(node);
    if (text == null) {
      error(line(node), Kind.BAD_VALUE, key + " must be a string");
    }
    return text;
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : null;
  }

  private static int line(Node node) {
    return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private void error(int line, Kind kind, String message) {
    errors.add(new RuleError(file, line, ruleId, kind, message));
  }
}
