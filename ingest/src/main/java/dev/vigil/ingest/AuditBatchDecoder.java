package dev.vigil.ingest;

import dev.vigil.schemas.audit.AuditItem;
import dev.vigil.schemas.audit.AuditReader;
import dev.vigil.schemas.audit.AuditSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a request body into one JSON document per audit event, without any transport types.
 *
 * <p>Accepted shapes: an {@code EventList}, a single {@code Event}, a JSON array of events, or a
 * sequence of top-level values (JSON lines). The shared streaming {@link AuditReader} reads the items
 * and checks each against the audit-event contract, the same reader and rules detection uses: each
 * event keeps its exact bytes, and an item that is not a valid event becomes a rejected item with a
 * reason while its neighbours are unaffected. What this class adds is the transport's part: the body
 * cap, gzip, and JSON lines with a broken line (a truncated log line), which is rejected alone. Only a
 * body that cannot be read at all is refused as a whole.
 */
public final class AuditBatchDecoder {

  static final String SHAPES =
      "send an EventList, a single Event, a JSON array of events, or one event per line (JSON lines)";

  private static final AuditReader READER = AuditReader.keys();

  /** One item of a body: an event to forward, or a rejected item with its reason. */
  public record Item(int index, byte[] json, String username, String rejectReason) {
    public boolean valid() {
      return rejectReason == null;
    }
  }

  /** The items of a body, in body order. */
  public record DecodedBatch(List<Item> items, long decodedBytes) {
    long validCount() {
      return items.stream().filter(Item::valid).count();
    }
  }

  private final long maxBodyBytes;

  public AuditBatchDecoder(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Decodes a body.
   *
   * @throws PayloadTooLargeException when the body or its decompressed content exceeds the cap
   * @throws MalformedBodyException when the body is empty, not gzip although declared so, or not JSON
   */
  public DecodedBatch decode(byte[] body, boolean gzip) {
    if (body.length > maxBodyBytes) {
      throw new PayloadTooLargeException(maxBodyBytes, false);
    }
    byte[] data = body;
    int length = body.length;
    if (gzip && body.length > 0) {
      Buffer inflated = gunzip(body);
      data = inflated.bytes;
      length = inflated.length;
    }
    return split(data, length);
  }

  private record Buffer(byte[] bytes, int length) {}

  /**
   * Inflates into a buffer that never grows beyond the cap plus one byte, so a gzip bomb stops after
   * inflating {@code maxBodyBytes + 1} bytes.
   */
  private Buffer gunzip(byte[] body) {
    int cap = (int) Math.min(Integer.MAX_VALUE - 16, maxBodyBytes + 1);
    byte[] buf = new byte[(int) Math.min(cap, Math.max(8192L, body.length * 4L))];
    int n = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      while (true) {
        if (n == buf.length) {
          if (buf.length >= cap) {
            throw new PayloadTooLargeException(maxBodyBytes, true);
          }
          buf = Arrays.copyOf(buf, (int) Math.min(cap, buf.length * 2L));
        }
        int read = in.read(buf, n, buf.length - n);
        if (read < 0) {
          break;
        }
        n += read;
        if (n > maxBodyBytes) {
          throw new PayloadTooLargeException(maxBodyBytes, true);
        }
      }
    } catch (ZipException | EOFException e) {
      throw new MalformedBodyException(
          "the body is declared Content-Encoding: gzip but is not valid gzip ("
              + e.getMessage()
              + "); compress the whole body with gzip or drop the header",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading an in-memory gzip stream", e);
    }
    return new Buffer(buf, n);
  }

  DecodedBatch split(byte[] data, int length) {
    int first = skipWhitespace(data, 0, length);
    if (first == length) {
      throw new MalformedBodyException("the body is empty; " + SHAPES);
    }
    List<Item> items = new ArrayList<>();
    try {
      READER.readBody(data, 0, length, item -> items.add(item(items.size(), item)));
      return new DecodedBatch(items, length);
    } catch (AuditSyntaxException e) {
      List<Item> byLine = e.utf8() ? parseLines(data, length) : null;
      if (byLine != null) {
        return new DecodedBatch(byLine, length);
      }
      throw malformed(e);
    }
  }

  private static MalformedBodyException malformed(AuditSyntaxException e) {
    if (!e.utf8()) {
      return new MalformedBodyException("the body must be UTF-8 encoded JSON; " + SHAPES, e);
    }
    return new MalformedBodyException(
        "the body is not valid JSON at line " + e.line() + ", column " + e.column() + " ("
            + e.detail() + "); " + SHAPES,
        e);
  }

  private static Item item(int index, AuditItem item) {
    return new Item(index, item.bytes(), item.username(), item.reason());
  }

  /**
   * The fallback for JSON lines with broken lines: every line is read on its own and a broken line
   * becomes one rejected item. Used only when at least half the non-blank lines parse and one of them
   * is an object or array, so a broken pretty-printed document is still refused as a whole.
   */
  private static List<Item> parseLines(byte[] data, int length) {
    List<Item> items = new ArrayList<>();
    int valid = 0;
    int broken = 0;
    boolean structured = false;
    int lineNr = 0;
    int start = 0;
    while (start < length) {
      lineNr++;
      int end = indexOf(data, (byte) '\n', start, length);
      int lineEnd = end < 0 ? length : end;
      int from = skipWhitespace(data, start, lineEnd);
      if (from < lineEnd) {
        List<Item> line = new ArrayList<>();
        try {
          structured |= data[from] == '{' || data[from] == '[';
          READER.readBody(data, from, lineEnd - from, item -> line.add(item(0, item)));
          items.addAll(line);
          valid++;
        } catch (AuditSyntaxException e) {
          if (!e.utf8()) {
            throw malformed(e);
          }
          broken++;
          int column = e.column() + (from - start);
          items.add(
              new Item(
                  0,
                  trimmedCopy(data, from, lineEnd),
                  null,
                  "line " + lineNr + ", column " + column + ": not valid JSON (" + e.detail() + ")"));
        }
      }
      start = lineEnd + 1;
    }
    if (valid == 0 || !structured || valid < broken) {
      return null;
    }
    return renumber(items);
  }

  private static List<Item> renumber(List<Item> items) {
    List<Item> out = new ArrayList<>(items.size());
    for (Item item : items) {
      out.add(new Item(out.size(), item.json(), item.username(), item.rejectReason()));
    }
    return out;
  }

  private static int skipWhitespace(byte[] data, int from, int to) {
    int i = from;
    while (i < to && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] data, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] trimmedCopy(byte[] data, int from, int to) {
    int end = to;
    while (end > from && (data[end - 1] == ' ' || data[end - 1] == '\t' || data[end - 1] == '\r')) {
      end--;
    }
    return Arrays.copyOfRange(data, from, end);
  }
}
