package dev.vigil.schemas.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reader's repeated-name check against a plain set, on objects of any size (below, at and above
 * the 16 names it scans linearly before it switches to a hash set) whose names include pairs with
 * equal {@code String.hashCode()}.
 */
class RepeatedNamesTest {

  /** "Aa" and "BB" hash alike, and so does every string of the same length built from them. */
  private static final List<String> NAMES = List.of(
      "Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB", "a", "b", "c", "verb", "kind", "image", "x", "y",
      "z", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "long-name-1", "long-name-2",
      "\u00e9t\u00e9", "\u65e5\u672c");

  @Property(tries = 1500)
  void anObjectIsRejectedExactlyWhenOneOfItsNamesRepeats(@ForAll("names") List<String> names) {
    StringBuilder annotations = new StringBuilder("{");
    StringBuilder unknown = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      String sep = i == 0 ? "" : ",";
      annotations.append(sep).append('"').append(names.get(i)).append("\":\"v").append(i).append('"');
      unknown.append(sep).append('"').append(names.get(i)).append("\":[").append(i).append(']');
    }
    annotations.append('}');
    unknown.append('}');
    String repeated = firstRepeated(names);

    for (String field : List.of("\"annotations\":" + annotations, "\"extra\":" + unknown)) {
      String event = AuditReaderTest.EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\"," + field);
      byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
      for (AuditReader reader : List.of(AuditReader.keys(), AuditReader.events())) {
        AuditItem item = reader.readEvent(bytes);
        if (repeated == null) {
          assertThat(item.reason()).as(event).isNull();
        } else {
          assertThat(item.reason()).as(event).contains("\"" + repeated + "\" appears twice");
        }
      }
    }
  }

  @Provide
  Arbitrary<List<String>> names() {
    return Arbitraries.of(NAMES).list().ofMaxSize(40);
  }

  private static String firstRepeated(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        return name;
      }
    }
    return null;
  }
}
