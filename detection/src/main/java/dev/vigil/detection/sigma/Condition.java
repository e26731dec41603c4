package dev.vigil.detection.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parsed {@code condition} of a Sigma rule: {@code and}, {@code or}, {@code not}, parentheses,
 * selection names, and {@code 1 of X} / {@code all of X} where X is a name, a name pattern with
 * {@code *} or {@code them}. Precedence, loosest first: {@code or}, {@code and}, {@code not}.
 */
sealed interface Condition {

  /** A selection by name. */
  record Ref(String name) implements Condition {}

  record And(List<Condition> terms) implements Condition {}

  record Or(List<Condition> terms) implements Condition {}

  record Not(Condition term) implements Condition {}

  /**
   * {@code 1 of pattern} ({@code all} false) or {@code all of pattern}; {@code them} is every
   * selection whose name does not start with an underscore.
   */
  record Quantified(boolean all, String pattern) implements Condition {
    static final String THEM = "them";
  }

  /** Thrown for a condition that does not parse; the message says where and what was expected. */
  final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  static Condition parse(String text) throws SyntaxException {
    return new Parser(text).parseAll();
  }

  /** Recursive descent over the tokens of one condition. */
  final class Parser {
    private final String text;
    private final List<String> tokens = new ArrayList<>();
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Condition parseAll() throws SyntaxException {
      tokenize();
      if (tokens.isEmpty()) {
        throw new SyntaxException("the condition is empty: name a selection, e.g. \"condition: selection\"");
      }
      Condition condition = or();
      if (at < tokens.size()) {
        throw new SyntaxException(
            "unexpected \"" + tokens.get(at) + "\" after a complete expression" + where());
      }
      return condition;
    }

    private void tokenize() throws SyntaxException {
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '(' || c == ')') {
          tokens.add(String.valueOf(c));
          i++;
        } else if (c == '|') {
          throw new SyntaxException(
              "aggregations (\"| count() ...\", \"| near ...\") are not supported: Vigil evaluates"
                  + " one event at a time; remove the part after \"|\"");
        } else {
          int start = i;
          while (i < text.length()
              && !Character.isWhitespace(text.charAt(i))
              && "()|".indexOf(text.charAt(i)) < 0) {
            i++;
          }
          tokens.add(text.substring(start, i));
        }
      }
    }

    private Condition or() throws SyntaxException {
      List<Condition> terms = new ArrayList<>();
      terms.add(and());
      while (accept("or")) {
        terms.add(and());
      }
      return terms.size() == 1 ? terms.get(0) : new Or(terms);
    }

    private Condition and() throws SyntaxException {
      List<Condition> terms = new ArrayList<>();
      terms.add(not());
      while (accept("and")) {
        terms.add(not());
      }
      return terms.size() == 1 ? terms.get(0) : new And(terms);
    }

    private Condition not() throws SyntaxException {
      if (accept("not")) {
        return new Not(not());
      }
      return primary();
    }

    private Condition primary() throws SyntaxException {
      if (at >= tokens.size()) {
        throw new SyntaxException(
            "the condition ends where a selection name, \"(\", \"not\" or \"1 of\" was expected");
      }
      String token = tokens.get(at);
      String word = token.toLowerCase(Locale.ROOT);
      if (token.equals("(")) {
        at++;
        Condition inner = or();
        if (!accept(")")) {
          throw new SyntaxException("missing \")\"" + where());
        }
        return inner;
      }
      if (word.equals("1") || word.equals("all") || word.equals("any")) {
        at++;
        if (!accept("of")) {
          throw new SyntaxException(
              "\"" + token + "\" must be followed by \"of\" (\"1 of selection_*\", \"all of them\")"
                  + where());
        }
        if (at >= tokens.size() || isOperator(tokens.get(at))) {
          throw new SyntaxException(
              "\"" + token + " of\" needs a selection name, a pattern like selection_* or \"them\"");
        }
        String pattern = tokens.get(at++);
        if (pattern.equalsIgnoreCase(Quantified.THEM)) {
          pattern = Quantified.THEM;
        }
        return new Quantified(word.equals("all"), pattern);
      }
      if (isOperator(token)) {
        throw new SyntaxException(
            "\"" + token + "\" where a selection name, \"(\", \"not\" or \"1 of\" was expected"
                + where());
      }
      if (token.chars().allMatch(Character::isDigit)) {
        throw new SyntaxException(
            "\"" + token + " of\" is not supported: use \"1 of\" or \"all of\"" + where());
      }
      at++;
      return new Ref(token);
    }

    private boolean isOperator(String token) {
      String word = token.toLowerCase(Locale.ROOT);
      return word.equals("and")
          || word.equals("or")
          || word.equals("not")
          || word.equals("of")
          || word.equals(")")
          || word.equals("(");
    }

    private boolean accept(String word) {
      if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(word)) {
        at++;
        return true;
      }
      return false;
    }

    private String where() {
      return " (token " + (at + 1) + " of \"" + text + "\")";
    }
  }
}
