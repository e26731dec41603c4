package dev.vigil.detection.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The compiled matcher agrees with a straightforward reference evaluator: rules and events are
 * generated from a small vocabulary (so that matches are frequent), the rule is rendered to YAML and
 * compiled, and the reference interprets the generated structure directly on the event's JSON tree,
 * with a recursive wildcard matcher and a boolean evaluation of the condition tree.
 */
class SigmaMatcherPropertyTest {

  // ---- the generated rule ----

  record Item(String field, String modifier, List<Object> values) {}

  sealed interface Expr {}

  record Ref(int selection) implements Expr {}

  record And(Expr left, Expr right) implements Expr {}

  record Or(Expr left, Expr right) implements Expr {}

  record Not(Expr term) implements Expr {}

  record OneOfAll() implements Expr {}

  record AllOfThem() implements Expr {}

  record Rule(List<List<Item>> selections, Expr condition) {}

  private static final List<String> WORDS =
      List.of("create", "get", "list", "delete", "pods", "secrets", "kube-system", "default", "alice",
          "system:admin", "kubectl/v1.30", "curl/8.0", "/api/v1/pods", "/apis/apps/v1", "exec", "dev",
          "/var/run/docker.sock", "/etc", "allow", "forbid", "a", "");

  private static final List<String> TEXT_FIELDS =
      List.of("verb", "objectRef.resource", "objectRef.namespace", "user.username", "userAgent",
          "requestURI", "user.groups", "annotations.authorization.k8s.io/decision",
          "requestObject.spec.volumes.hostPath.path", "hostPath");

  @Provide
  Arbitrary<Rule> rules() {
    Arbitrary<List<List<Item>>> selections = item().list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(3);
    return selections.flatMap(s -> expr(s.size(), 3).map(e -> new Rule(s, e)));
  }

  private Arbitrary<Item> item() {
    Arbitrary<Item> text = Combinators.combine(
            Arbitraries.of(TEXT_FIELDS),
            Arbitraries.of("", "contains", "startswith", "endswith", "all", "cased", "contains|cased"),
            pattern().list().ofMinSize(1).ofMaxSize(3))
        .as((f, m, v) -> new Item(f, m, new ArrayList<>(v)));
    Arbitrary<Item> regex = Combinators.combine(
            Arbitraries.of(TEXT_FIELDS),
            Arbitraries.of("^/api/", "sys.*admin", "(create|delete)", "v1\\.30$", "[0-9]+", "^$", "Alice")
                .list().ofMinSize(1).ofMaxSize(2))
        .as((f, v) -> new Item(f, "re", new ArrayList<>(v)));
    Arbitrary<Item> code = Arbitraries.of(200, 201, 403, 404).list().ofMinSize(1).ofMaxSize(2)
        .map(v -> new Item("responseStatus.code", "", new ArrayList<>(v)));
    Arbitrary<Item> cidr = Arbitraries.of("10.0.0.0/8", "10.1.0.0/16", "203.0.113.0/24", "0.0.0.0/0", "192.168.1.1")
        .list().ofMinSize(1).ofMaxSize(2).map(v -> new Item("sourceIPs", "cidr", new ArrayList<>(v)));
    Arbitrary<Item> exists = Combinators.combine(Arbitraries.of(TEXT_FIELDS), Arbitraries.of(true, false))
        .as((f, b) -> new Item(f, "exists", List.of(b)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, text), net.jqwik.api.Tuple.of(1, code), net.jqwik.api.Tuple.of(1, regex),
        net.jqwik.api.Tuple.of(1, cidr), net.jqwik.api.Tuple.of(1, exists));
  }

  private Arbitrary<Object> pattern() {
    Arbitrary<String> word = Arbitraries.of(WORDS);
    return Combinators.combine(word, Arbitraries.of("", "*", "?", "UP"), Arbitraries.integers().between(0, 3))
        .as((w, wild, at) -> {
          if (wild.equals("UP")) {
            return w.toUpperCase(Locale.ROOT);
          }
          int cut = Math.min(at, w.length());
          String mid = w.substring(0, cut) + wild + w.substring(cut);
          return at == 3 ? "*" + mid : mid;
        });
  }

  private Arbitrary<Expr> expr(int selections, int depth) {
    Arbitrary<Expr> leaf = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, selections - 1).map(Ref::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new OneOfAll())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new AllOfThem())));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Expr> sub = Arbitraries.lazy(() -> expr(selections, depth - 1));
    return Arbitraries.oneOf(leaf, leaf,
        Combinators.combine(sub, sub).as(And::new),
        Combinators.combine(sub, sub).as(Or::new),
        sub.map(Not::new));
  }

  @Provide
  Arbitrary<List<String>> eventLists() {
    return events().list().ofMinSize(1).ofMaxSize(8);
  }

  private Arbitrary<String> events() {
    return Combinators.combine(
            Arbitraries.of("create", "get", "list", "delete", "Create"),
            Arbitraries.of("pods", "secrets", "deployments"),
            Arbitraries.of("kube-system", "default", "Default"),
            Arbitraries.of("alice", "system:admin", "ALICE", "bob"),
            Arbitraries.of("kubectl/v1.30", "curl/8.0", "a"),
            Arbitraries.of("/api/v1/pods", "/apis/apps/v1/exec", "/api/v1/namespaces/default/secrets"),
            Arbitraries.of("10.1.2.3", "203.0.113.9", "192.168.1.1", "fd00::1").list().ofMaxSize(2),
            Combinators.combine(
                Arbitraries.of(200, 201, 403, 404),
                Arbitraries.of("allow", "forbid", "ALLOW", ""),
                Arbitraries.of("system:authenticated", "dev", "Dev").list().ofMaxSize(2),
                Arbitraries.of("/var/run/docker.sock", "/etc", "/data").list().ofMaxSize(2))
                .as(List::of))
        .as((verb, resource, ns, user, agent, uri, ips, rest) -> {
          var event = Json.mapper().createObjectNode();
          event.put("kind", "Event").put("verb", verb).put("requestURI", uri).put("userAgent", agent)
              .put("auditID", "x").put("stage", "ResponseComplete");
          event.putObject("user").put("username", user).putPOJO("groups", rest.get(2));
          event.putPOJO("sourceIPs", ips);
          event.putObject("objectRef").put("resource", resource).put("namespace", ns);
          event.putObject("responseStatus").put("code", (Integer) rest.get(0));
          if (!((String) rest.get(1)).isEmpty()) {
            event.putObject("annotations").put("authorization.k8s.io/decision", (String) rest.get(1));
          }
          var volumes = event.putObject("requestObject").put("kind", "Pod").putObject("spec").putArray("volumes");
          for (Object path : (List<?>) rest.get(3)) {
            volumes.addObject().put("name", "v").putObject("hostPath").put("path", (String) path);
          }
          return event.toString();
        });
  }

  @Property(tries = 400)
  void compiledMatcherAgreesWithTheReferenceEvaluator(
      @ForAll("rules") Rule rule, @ForAll("eventLists") List<String> events) throws Exception {
    String yaml = render(rule);
    SigmaCompiler.Result result = SigmaCompiler.compile("generated.yml", yaml);
    assertThat(result.errors()).as(yaml).isEmpty();
    for (String json : events) {
      JsonNode tree = Json.mapper().readTree(json);
      AuditEvent event = Json.mapper().treeToValue(tree, AuditEvent.class);
      assertThat(result.rule().matcher().matches(event))
          .as("rule:\n%s\nevent: %s", yaml, json)
          .isEqualTo(eval(rule, rule.condition(), tree));
    }
  }

  // ---- rendering ----

  private static String render(Rule rule) {
    StringBuilder yaml = new StringBuilder("title: generated\nid: generated-1\nlevel: low\n"
        + "logsource:\n  product: kubernetes\n  service: audit\ndetection:\n");
    for (int i = 0; i < rule.selections().size(); i++) {
      yaml.append("  sel_").append(i).append(":\n");
      for (Item item : rule.selections().get(i)) {
        yaml.append("    '").append(item.field()).append(item.modifier().isEmpty() ? "" : "|" + item.modifier())
            .append("':\n");
        for (Object value : item.values()) {
          yaml.append("      - ").append(value instanceof String s ? "'" + s.replace("'", "''") + "'" : value)
              .append('\n');
        }
      }
    }
    return yaml.append("  condition: ").append(render(rule.condition(), 0)).append('\n').toString();
  }

  private static String render(Expr expr, int parent) {
    int own = expr instanceof Or ? 1 : expr instanceof And ? 2 : expr instanceof Not ? 3 : 4;
    String text;
    if (expr instanceof Ref ref) {
      text = "sel_" + ref.selection();
    } else if (expr instanceof And and) {
      text = render(and.left(), 2) + " and " + render(and.right(), 2);
    } else if (expr instanceof Or or) {
      text = render(or.left(), 1) + " or " + render(or.right(), 1);
    } else if (expr instanceof Not not) {
      text = "not " + render(not.term(), 3);
    } else if (expr instanceof OneOfAll) {
      text = "1 of sel_*";
    } else {
      text = "all of them";
    }
    return own < parent ? "(" + text + ")" : text;
  }

  // ---- the reference evaluator ----

  private static boolean eval(Rule rule, Expr expr, JsonNode event) {
    if (expr instanceof Ref ref) {
      return selection(rule.selections().get(ref.selection()), event);
    }
    if (expr instanceof And and) {
      return eval(rule, and.left(), event) && eval(rule, and.right(), event);
    }
    if (expr instanceof Or or) {
      return eval(rule, or.left(), event) || eval(rule, or.right(), event);
    }
    if (expr instanceof Not not) {
      return !eval(rule, not.term(), event);
    }
    boolean all = expr instanceof AllOfThem;
    for (List<Item> selection : rule.selections()) {
      boolean matched = selection(selection, event);
      if (matched != all) {
        return matched;
      }
    }
    return all;
  }

  private static boolean selection(List<Item> items, JsonNode event) {
    for (Item item : items) {
      if (!item(item, event)) {
        return false;
      }
    }
    return true;
  }

  private static boolean item(Item item, JsonNode event) {
    List<String> values = values(item.field(), event);
    if (item.modifier().equals("exists")) {
      return !values.isEmpty() == (Boolean) item.values().get(0);
    }
    if (values.isEmpty()) {
      return false;
    }
    boolean all = item.modifier().equals("all");
    for (Object value : item.values()) {
      boolean any = false;
      for (String actual : values) {
        any |= test(item.modifier(), String.valueOf(value), actual);
      }
      if (all && !any) {
        return false;
      }
      if (!all && any) {
        return true;
      }
    }
    return all;
  }

  private static boolean test(String modifier, String value, String actual) {
    boolean cased = modifier.contains("cased");
    return switch (modifier) {
      case "re" -> Pattern.compile(value).matcher(actual).find();
      case "cidr" -> inCidr(value, actual);
      case "contains", "contains|cased" -> glob("*" + value + "*", actual, cased);
      case "startswith" -> glob(value + "*", actual, false);
      case "endswith" -> glob("*" + value, actual, false);
      default -> glob(value, actual, cased);
    };
  }

  private static boolean glob(String pattern, String text, boolean cased) {
    if (!cased) {
      pattern = pattern.toLowerCase(Locale.ROOT);
      text = text.toLowerCase(Locale.ROOT);
    }
    return glob(pattern, 0, text, 0);
  }

  private static boolean glob(String p, int i, String s, int j) {
    if (i == p.length()) {
      return j == s.length();
    }
    char c = p.charAt(i);
    if (c == '*') {
      return glob(p, i + 1, s, j) || (j < s.length() && glob(p, i, s, j + 1));
    }
    return j < s.length() && (c == '?' || c == s.charAt(j)) && glob(p, i + 1, s, j + 1);
  }

  private static boolean inCidr(String cidr, String ip) {
    if (ip.contains(":")) {
      return false;
    }
    String[] parts = cidr.split("/");
    int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
    long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    return (ipv4(parts[0]) & mask) == (ipv4(ip) & mask);
  }

  private static long ipv4(String ip) {
    long out = 0;
    for (String octet : ip.split("\\.")) {
      out = out * 256 + Integer.parseInt(octet);
    }
    return out;
  }

  /** Field values read straight from the JSON tree: arrays give their elements. */
  private static List<String> values(String field, JsonNode event) {
    JsonNode node;
    if (field.equals("hostPath")) {
      // The short name reads the pod spec a request writes: create, update or patch of a workload.
      boolean writes = List.of("create", "update", "patch").contains(event.path("verb").asText());
      boolean pod = event.path("objectRef").path("resource").asText().equals("pods");
      return writes && pod ? values("requestObject.spec.volumes.hostPath.path", event) : List.of();
    } else if (field.startsWith("annotations.")) {
      node = event.path("annotations").path(field.substring("annotations.".length()));
    } else if (field.equals("requestObject.spec.volumes.hostPath.path")) {
      List<String> out = new ArrayList<>();
      for (JsonNode volume : event.path("requestObject").path("spec").path("volumes")) {
        JsonNode path = volume.path("hostPath").path("path");
        if (path.isTextual()) {
          out.add(path.asText());
        }
      }
      return out;
    } else {
      node = event;
      for (String segment : field.split("\\.")) {
        node = node.path(segment);
      }
    }
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(element -> out.add(element.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      out.add(node.asText());
    }
    return out;
  }
}
