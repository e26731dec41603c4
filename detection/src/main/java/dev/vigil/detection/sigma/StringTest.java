package dev.vigil.detection.sigma;

import java.util.regex.Pattern;

/**
 * A compiled test of one Sigma value against one string. Plain values, wildcards and the {@code
 * contains}, {@code startswith} and {@code endswith} modifiers compile to a glob; the common shapes
 * (exact, prefix, suffix, substring) get a fast path without the general matcher.
 */
interface StringTest {

  boolean test(String value);

  /** A glob character kind: a literal character, {@code ?} (one character) or {@code *} (any run). */
  byte LITERAL = 0;

  byte ONE = 1;
  byte ANY = 2;

  /**
   * Compiles a Sigma string: {@code *} and {@code ?} are wildcards, {@code \*}, {@code \?} and
   * {@code \\} their literal characters, and any other backslash is itself.
   *
   * @param leadingAny prepend {@code *} ({@code contains}, {@code endswith})
   * @param trailingAny append {@code *} ({@code contains}, {@code startswith})
   * @param cased compare case-sensitively ({@code cased}); Sigma's default is case-insensitive
   */
  static StringTest glob(String sigma, boolean leadingAny, boolean trailingAny, boolean cased) {
    StringBuilder chars = new StringBuilder(sigma.length() + 2);
    StringBuilder kinds = new StringBuilder(sigma.length() + 2);
    if (leadingAny) {
      chars.append('*');
      kinds.append((char) ANY);
    }
    for (int i = 0; i < sigma.length(); i++) {
      char c = sigma.charAt(i);
      if (c == '\\' && i + 1 < sigma.length()) {
        char next = sigma.charAt(i + 1);
        if (next == '*' || next == '?' || next == '\\') {
          chars.append(next);
          kinds.append((char) LITERAL);
          i++;
          continue;
        }
      }
      chars.append(c);
      kinds.append((char) (c == '*' ? ANY : c == '?' ? ONE : LITERAL));
    }
    if (trailingAny) {
      chars.append('*');
      kinds.append((char) ANY);
    }
    char[] pattern = chars.toString().toCharArray();
    byte[] kind = new byte[pattern.length];
    for (int i = 0; i < kind.length; i++) {
      kind[i] = (byte) kinds.charAt(i);
    }
    return fastPath(pattern, kind, cased);
  }

  private static StringTest fastPath(char[] pattern, byte[] kind, boolean cased) {
    int n = pattern.length;
    int wildcards = 0;
    boolean ones = false;
    for (byte k : kind) {
      if (k != LITERAL) {
        wildcards++;
        ones |= k == ONE;
      }
    }
    if (ones) {
      return new Glob(pattern, kind, cased);
    }
    boolean lead = n > 0 && kind[0] == ANY;
    boolean trail = n > 1 && kind[n - 1] == ANY;
    String literal =
        new String(pattern, lead ? 1 : 0, n - (lead ? 1 : 0) - (trail ? 1 : 0));
    if (wildcards == 0) {
      return cased ? literal::equals : literal::equalsIgnoreCase;
    }
    if (n == 1 && lead) {
      return value -> true;
    }
    if (wildcards == 1 && lead) {
      return value -> endsWith(value, literal, cased);
    }
    if (wildcards == 1 && trail) {
      return value -> value.regionMatches(!cased, 0, literal, 0, literal.length());
    }
    if (wildcards == 2 && lead && trail) {
      return value -> contains(value, literal, cased);
    }
    return new Glob(pattern, kind, cased);
  }

  private static boolean endsWith(String value, String suffix, boolean cased) {
    int from = value.length() - suffix.length();
    return from >= 0 && value.regionMatches(!cased, from, suffix, 0, suffix.length());
  }

  private static boolean contains(String value, String needle, boolean cased) {
    if (cased) {
      return value.contains(needle);
    }
    int last = value.length() - needle.length();
    for (int i = 0; i <= last; i++) {
      if (value.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }

  /** A Java regular expression, found anywhere in the value (Sigma's {@code re} is unanchored). */
  static StringTest regex(Pattern pattern) {
    return value -> pattern.matcher(value).find();
  }

  /** The general glob: linear in practice, backtracking only to the last {@code *}. */
  final class Glob implements StringTest {
    private final char[] pattern;
    private final byte[] kind;
    private final boolean cased;

    Glob(char[] pattern, byte[] kind, boolean cased) {
      this.pattern = pattern;
      this.kind = kind;
      this.cased = cased;
    }

    @Override
    public boolean test(String value) {
      int p = 0;
      int s = 0;
      int star = -1;
      int starAt = 0;
      int n = pattern.length;
      while (s < value.length()) {
        if (p < n
            && (kind[p] == ONE || (kind[p] == LITERAL && same(pattern[p], value.charAt(s))))) {
          p++;
          s++;
        } else if (p < n && kind[p] == ANY) {
          star = p++;
          starAt = s;
        } else if (star >= 0) {
          p = star + 1;
          s = ++starAt;
        } else {
          return false;
        }
      }
      while (p < n && kind[p] == ANY) {
        p++;
      }
      return p == n;
    }

    private boolean same(char a, char b) {
      if (a == b) {
        return true;
      }
      if (cased) {
        return false;
      }
      // The same folding as String.regionMatches(true, ...), so fast paths and globs agree.
      char ua = Character.toUpperCase(a);
      char ub = Character.toUpperCase(b);
      return ua == ub || Character.toLowerCase(ua) == Character.toLowerCase(ub);
    }
  }
}
