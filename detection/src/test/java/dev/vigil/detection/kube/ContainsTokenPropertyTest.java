package dev.vigil.detection.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ContainsTokenPropertyTest {

  @Property(tries = 3000)
  void givesTheAnswerOfAFullComparisonAtEveryPosition(
      @ForAll("userAgents") String text, @ForAll("words") String word) {
    assertThat(Matches.containsToken(text, word)).isEqualTo(reference(text, word));
  }

  @Property(tries = 1000)
  void findsEveryWordPlacedAsATokenInAnyCase(
      @ForAll("words") String word, @ForAll("userAgents") String before, @ForAll boolean upper) {
    String placed = upper ? word.toUpperCase(Locale.ROOT) : word;
    assertThat(Matches.containsToken(before + " " + placed + "/1.0", word)).isTrue();
  }

  /** The implementation before the first-character shortcut. */
  private static boolean reference(String text, String word) {
    if (text == null || word.isEmpty()) {
      return false;
    }
    int last = text.length() - word.length();
    for (int i = 0; i <= last; i++) {
      if (text.regionMatches(true, i, word, 0, word.length())
          && (i == 0 || boundary(text.charAt(i - 1)))
          && (i == last || boundary(text.charAt(i + word.length())))) {
        return true;
      }
    }
    return false;
  }

  private static boolean boundary(char c) {
    return c == ' ' || c == '/' || c == '(' || c == ')' || c == ';' || c == ',';
  }

  @Provide
  Arbitrary<String> userAgents() {
    // Tool-name letters in both cases, boundaries, and characters whose case mapping is unusual
    // (dotted and dotless i, the Kelvin sign, sharp s, Greek sigma).
    return Arbitraries.strings()
        .withChars("kubeKUBEhunterHUNTERcdkCDK-/ ();,.0123456789\u0130\u0131\u212A\u00DF\u03A3\u03C3\u03C2iI")
        .ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.of(
        "kube-hunter", "cdk", "KUBE", "i", "\u0130", "\u0131", "k", "\u212A", "\u03C3", "hunter");
  }
}
