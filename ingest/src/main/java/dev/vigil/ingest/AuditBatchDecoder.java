package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Json;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a request body into one JSON document per audit event, without any transport types.
 *
 * <p>Accepted shapes: an {@code EventList}, a single {@code Event}, a JSON array of events, or a
 * sequence of top-level values (JSON lines). Each event keeps its exact bytes. An item that is not a
 * valid event becomes a rejected item with a reason; its neighbours are unaffected. When a sequence of
 * JSON lines contains a line that is not JSON (a truncated log line), that line alone is rejected.
 * Only a body that cannot be read at all is refused as a whole.
 */
public final class AuditBatchDecoder {

  static final String SHAPES =
      "send an EventList, a single Event, a JSON array of events, or one event per line (JSON lines)";

  private static final int MAX_MESSAGE_CHARS = 200;

  /** Field of an event and the JSON type it must have when present. */
  private enum Type {
    STRING,
    OBJECT,
    ARRAY_OF_STRINGS,
    INTEGER,
    TIMESTAMP
  }

  private static final List<String> REQUIRED_STRINGS = List.of("auditID", "stage", "verb");

  private static final Map<String, Type> OPTIONAL_FIELDS =
      Map.ofEntries(
          Map.entry("apiVersion", Type.STRING),
          Map.entry("level", Type.STRING),
          Map.entry("requestURI", Type.STRING),
          Map.entry("userAgent", Type.STRING),
          Map.entry("sourceIPs", Type.ARRAY_OF_STRINGS),
          Map.entry("impersonatedUser", Type.OBJECT),
          Map.entry("objectRef", Type.OBJECT),
          Map.entry("responseStatus", Type.OBJECT),
          Map.entry("annotations", Type.OBJECT),
          Map.entry("requestReceivedTimestamp", Type.TIMESTAMP));

  private static final Map<String, Type> USER_FIELDS =
      Map.of("uid", Type.STRING, "groups", Type.ARRAY_OF_STRINGS);

  private static final Map<String, Type> OBJECT_REF_FIELDS =
      Map.of(
          "resource", Type.STRING,
          "namespace", Type.STRING,
          "name", Type.STRING,
          "uid", Type.STRING,
          "apiGroup", Type.STRING,
          "apiVersion", Type.STRING,
          "resourceVersion", Type.STRING,
          "subresource", Type.STRING);

  private static final Map<String, Type> RESPONSE_STATUS_FIELDS =
      Map.of(
          "code", Type.INTEGER,
          "status", Type.STRING,
          "reason", Type.STRING,
          "message", Type.STRING);

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
  private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '([^']*)'");

  private final ObjectMapper mapper = Json.mapper();
  private final JsonFactory factory = mapper.getFactory();

  /**
   * Trees are read refusing duplicate field names. Parsers disagree on which of two values wins (the
   * first, the last, an error), so an event naming {@code verb} twice could show a detector one verb
   * and a downstream SIEM another: such an event is rejected to the DLQ instead.
   */
  private final ObjectReader strict =
      mapper.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** A value that named one field twice; the parser stands after the value. */
  private record Duplicate(String reason) {}

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
      parseValues(data, 0, length, items);
      return new DecodedBatch(items, length);
    } catch (JsonProcessingException e) {
      List<Item> byLine = parseLines(data, length);
      if (byLine != null) {
        return new DecodedBatch(byLine, length);
      }
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new MalformedBodyException(
          "the body is not valid JSON" + where + " (" + shorten(e.getOriginalMessage()) + "); "
              + SHAPES,
          e);
    }
  }

  /**
   * The fallback for JSON lines with broken lines: every line is parsed on its own and a broken line
   * becomes one rejected item. Used only when at least half the non-blank lines parse and one of them
   * is an object or array, so a broken pretty-printed document is still refused as a whole.
   */
  private List<Item> parseLines(byte[] data, int length) {
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
        int before = items.size();
        try {
          structured |= data[from] == '{' || data[from] == '[';
          parseValues(data, from, lineEnd - from, items);
          valid++;
        } catch (JsonProcessingException e) {
          items.subList(before, items.size()).clear();
          broken++;
          JsonLocation loc = e.getLocation();
          int column = loc == null ? 0 : loc.getColumnNr() + (from - start);
          items.add(
              new Item(
                  items.size(),
                  trimmedCopy(data, from, lineEnd),
                  null,
                  "line " + lineNr + ", column " + column + ": not valid JSON ("
                      + shorten(e.getOriginalMessage()) + ")"));
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

  /** Parses every top-level value of {@code data[offset, offset+len)} and appends its items. */
  private void parseValues(byte[] data, int offset, int len, List<Item> items)
      throws JsonProcessingException {
    try (JsonParser p = factory.createParser(data, offset, len)) {
      try {
        parseValues(p, data, offset, items);
      } catch (JsonProcessingException e) {
        if (e.getLocation() == null) {
          // Limit violations (nesting depth) carry no location; the parser knows where it stopped.
          throw new JsonParseException(p, e.getOriginalMessage(), e);
        }
        throw e;
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("parsing an in-memory buffer", e);
    }
  }

  private void parseValues(JsonParser p, byte[] data, int offset, List<Item> items)
      throws IOException {
    JsonToken token;
    while ((token = p.nextToken()) != null) {
      int start = offset + byteOffset(p.currentTokenLocation());
      switch (token) {
        case START_ARRAY:
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            int itemStart = offset + byteOffset(p.currentTokenLocation());
            Object node = readValue(p);
            int itemEnd = offset + byteOffset(p.currentLocation());
            items.add(item(items.size(), node, Arrays.copyOfRange(data, itemStart, itemEnd)));
          }
          break;
        case START_OBJECT:
          readObject(p, data, offset, start, items);
          break;
        default:
          JsonNode scalar = strict.readTree(p);
          int end = offset + byteOffset(p.currentLocation());
          items.add(validate(items.size(), scalar, Arrays.copyOfRange(data, start, end)));
      }
    }
  }

  /**
   * Reads a top-level object that is either an EventList or one event, in one pass: the elements of
   * an {@code items} array are read with their byte ranges, so an EventList needs no second parse.
   */
  private void readObject(JsonParser p, byte[] data, int offset, int start, List<Item> items)
      throws IOException {
    ObjectNode object = mapper.createObjectNode();
    List<int[]> ranges = null;
    List<Object> elements = null;
    String duplicate = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (duplicate == null && object.has(name)) {
        duplicate = duplicateReason(name);
      }
      if ("items".equals(name) && value == JsonToken.START_ARRAY) {
        ArrayNode array = object.putArray("items");
        ranges = new ArrayList<>();
        elements = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int itemStart = offset + byteOffset(p.currentTokenLocation());
          Object node = readValue(p);
          int itemEnd = offset + byteOffset(p.currentLocation());
          array.add(node instanceof JsonNode tree ? tree : mapper.nullNode());
          elements.add(node);
          ranges.add(new int[] {itemStart, itemEnd});
        }
      } else {
        Object node = readValue(p);
        if (node instanceof Duplicate d) {
          if (duplicate == null) {
            duplicate = d.reason();
          }
          object.putNull(name);
        } else {
          object.set(name, (JsonNode) node);
        }
      }
    }
    int end = offset + byteOffset(p.currentLocation());
    if (duplicate != null) {
      items.add(new Item(items.size(), Arrays.copyOfRange(data, start, end), null, duplicate));
      return;
    }
    JsonNode kind = object.get("kind");
    if (kind != null && kind.isTextual() && "EventList".equals(kind.textValue())) {
      if (elements == null) {
        items.add(
            new Item(
                items.size(),
                Arrays.copyOfRange(data, start, end),
                null,
                "an EventList needs an \"items\" array of events"));
        return;
      }
      for (int i = 0; i < elements.size(); i++) {
        int[] range = ranges.get(i);
        items.add(
            item(items.size(), elements.get(i), Arrays.copyOfRange(data, range[0], range[1])));
      }
    } else {
      items.add(validate(items.size(), object, Arrays.copyOfRange(data, start, end)));
    }
  }

  /**
   * Reads the value at the parser's current token as a tree, or, when it names a field twice, skips
   * the rest of the value and returns a {@link Duplicate}.
   */
  private Object readValue(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    JsonStreamContext outer =
        token != null && token.isStructStart()
            ? p.getParsingContext().getParent()
            : p.getParsingContext();
    try {
      return strict.readTree(p);
    } catch (JsonMappingException e) {
      // Only a duplicate field makes reading a tree fail with a mapping (not a parse) error.
      while (p.getParsingContext() != outer) {
        if (p.nextToken() == null) {
          throw new JsonParseException(p, "unexpected end of input inside a value");
        }
      }
      Matcher name = DUPLICATE_FIELD.matcher(String.valueOf(e.getOriginalMessage()));
      return new Duplicate(duplicateReason(name.find() ? name.group(1) : "?"));
    }
  }

  private static String duplicateReason(String field) {
    return "the field \"" + shorten(field)
        + "\" appears twice in one object; parsers disagree on which value counts, so send each"
        + " field once";
  }

  private static Item item(int index, Object node, byte[] json) {
    return node instanceof Duplicate d
        ? new Item(index, json, null, d.reason())
        : validate(index, (JsonNode) node, json);
  }

  private static int byteOffset(JsonLocation location) {
    long offset = location.getByteOffset();
    if (offset < 0) {
      // Jackson only loses byte offsets when it decodes UTF-16/32 through a Reader.
      throw new MalformedBodyException("the body must be UTF-8 encoded JSON; " + SHAPES);
    }
    return (int) offset;
  }

  /** Checks one item: an object that carries what every detector needs, with the right types. */
  static Item validate(int index, JsonNode node, byte[] json) {
    String username = null;
    if (node.isObject()) {
      JsonNode name = node.path("user").path("username");
      username = name.isTextual() ? name.textValue() : null;
    }
    return new Item(index, json, username, rejectReason(node));
  }

  static String rejectReason(JsonNode node) {
    if (!node.isObject()) {
      return "the item is a JSON " + typeName(node) + ", not an audit Event object";
    }
    JsonNode kind = node.get("kind");
    if (kind != null && !kind.isNull()) {
      if (!kind.isTextual()) {
        return "kind must be the string \"Event\", got a " + typeName(kind);
      }
      if (!"Event".equals(kind.textValue())) {
        return "kind is \"" + shorten(kind.textValue()) + "\", expected \"Event\"";
      }
    }
    for (String field : REQUIRED_STRINGS) {
      String problem = requiredString(node, field, field);
      if (problem != null) {
        return problem;
      }
    }
    JsonNode user = node.get("user");
    if (user == null || user.isNull()) {
      return "missing required field user";
    }
    if (!user.isObject()) {
      return "user must be an object, got a " + typeName(user);
    }
    String problem = requiredString(user, "username", "user.username");
    if (problem == null) {
      problem = checkFields(user, USER_FIELDS, "user.");
    }
    if (problem == null) {
      problem = requiredString(node, "stageTimestamp", "stageTimestamp");
    }
    if (problem == null) {
      problem = checkType(node.get("stageTimestamp"), Type.TIMESTAMP, "stageTimestamp");
    }
    if (problem == null) {
      problem = checkFields(node, OPTIONAL_FIELDS, "");
    }
    if (problem == null) {
      problem = checkFields(node.path("impersonatedUser"), USER_FIELDS, "impersonatedUser.");
    }
    if (problem == null) {
      problem = checkFields(node.path("objectRef"), OBJECT_REF_FIELDS, "objectRef.");
    }
    if (problem == null) {
      problem = checkFields(node.path("responseStatus"), RESPONSE_STATUS_FIELDS, "responseStatus.");
    }
    return problem;
  }

  private static String requiredString(JsonNode parent, String field, String path) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return "missing required field " + path;
    }
    if (!value.isTextual()) {
      return path + " must be a string, got a " + typeName(value);
    }
    if (value.textValue().isBlank()) {
      return path + " must not be empty";
    }
    return null;
  }

  private static String checkFields(JsonNode parent, Map<String, Type> fields, String prefix) {
    if (!parent.isObject()) {
      return null;
    }
    for (Map.Entry<String, Type> field : fields.entrySet()) {
      String problem =
          checkType(parent.get(field.getKey()), field.getValue(), prefix + field.getKey());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String checkType(JsonNode value, Type type, String path) {
    if (value == null || value.isNull()) {
      return null;
    }
    switch (type) {
      case STRING:
        return value.isTextual() ? null : path + " must be a string, got a " + typeName(value);
      case OBJECT:
        return value.isObject() ? null : path + " must be an object, got a " + typeName(value);
      case INTEGER:
        return value.isIntegralNumber() && value.canConvertToInt()
            ? null
            : path + " must be an integer, got a " + typeName(value);
      case ARRAY_OF_STRINGS:
        if (!value.isArray()) {
          return path + " must be an array of strings, got a " + typeName(value);
        }
        for (JsonNode element : value) {
          if (!element.isTextual()) {
            return path + " must contain only strings, found a " + typeName(element);
          }
        }
        return null;
      case TIMESTAMP:
        if (!value.isTextual()) {
          return path + " must be an RFC 3339 time string, got a " + typeName(value);
        }
        try {
          Instant.parse(value.textValue());
          return null;
        } catch (DateTimeParseException e) {
          return path + " \"" + shorten(value.textValue()) + "\" is not an RFC 3339 time";
        }
      default:
        throw new IllegalStateException("unknown type " + type);
    }
  }

  private static String typeName(JsonNode node) {
    switch (node.getNodeType()) {
      case ARRAY:
        return "array";
      case OBJECT:
      case POJO:
        return "object";
      case STRING:
        return "string";
      case NUMBER:
        return "number";
      case BOOLEAN:
        return "boolean";
      case NULL:
        return "null";
      default:
        return node.getNodeType().name();
    }
  }

  private static String shorten(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_MESSAGE_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_MESSAGE_CHARS) + "...";
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
