package dev.vigil.app.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Everything the command line prints passes through this writer, which replaces control characters
 * by visible {@code \\u00XX}-style escapes (backslash, u, four hex digits): C0 controls other than newline and tab (ESC among them, so no
 * escape sequence reaches the terminal), DEL and the C1 controls (U+0080..U+009F, whose CSI and OSC
 * some terminals obey). Alert names, object names, labels and error messages come from audit data an
 * attacker may write ({@code ESC ] 0;title BEL} retitles a terminal, other sequences rewrite the
 * screen or the clipboard). The escape is also valid inside a JSON string, so {@code --json} output
 * stays JSON.
 */
public final class TerminalSafeWriter extends FilterWriter {
  private final boolean crlf = System.lineSeparator().equals("\r\n");

  private TerminalSafeWriter(Writer out) {
    super(out);
  }

  /** {@code out} with control characters escaped, flushing like a println-ing PrintWriter. */
  public static PrintWriter wrap(PrintWriter out) {
    return new PrintWriter(new TerminalSafeWriter(out), true);
  }

  /** {@code text} with control characters escaped as this writer does. */
  public static String clean(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      append(sb, text.charAt(i), false);
    }
    return sb.toString();
  }

  static boolean unsafe(char c, boolean crlf) {
    if (c == '\n' || c == '\t' || (crlf && c == '\r')) {
      return false;
    }
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  private static void append(StringBuilder sb, char c, boolean crlf) {
    if (unsafe(c, crlf)) {
      sb.append(String.format("\\u%04x", (int) c));
    } else {
      sb.append(c);
    }
  }

  @Override
  public void write(int c) throws IOException {
    write(new char[] {(char) c}, 0, 1);
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    StringBuilder sb = null;
    for (int i = off; i < off + len; i++) {
      if (unsafe(buf[i], crlf)) {
        sb = new StringBuilder(len + 16);
        break;
      }
    }
    if (sb == null) {
      out.write(buf, off, len);
      return;
    }
    for (int i = off; i < off + len; i++) {
      append(sb, buf[i], crlf);
    }
    out.write(sb.toString());
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    write(str.toCharArray(), off, len);
  }
}
