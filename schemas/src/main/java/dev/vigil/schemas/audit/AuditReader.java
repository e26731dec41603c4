package dev.vigil.schemas.audit;

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
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.AuditEvent.ObjectReference;
import dev.vigil.schemas.AuditEvent.ResponseStatus;
import dev.vigil.schemas.AuditEvent.UserInfo;
import dev.vigil.schemas.Json;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads audit events from JSON bytes in one streaming pass and checks each against {@link
 * AuditField}: no tree of the event is built, and every item keeps its exact bytes as a slice of the
 * input (the parser's token byte offsets).
 *
 * <p>{@link #readEvent} reads one event (a Kafka record value); {@link #readBody} reads a request body
 * item by item: an {@code EventList}, a single event, a JSON array of events, or several top-level
 * values (JSON lines). An item that breaks the contract is rejected with a one-line reason and its
 * neighbours are read on; only input that is not JSON stops a body. A field name repeated in one
 * object, at any depth, rejects its event: parsers disagree on which value counts.
 *
 * <p>Two readers check the same rules and differ only in what they hand back: {@link #keys()} the
 * fields an item's Kafka key and headers need ({@code user.username}, {@code auditID}, {@code
 * stage}), {@link #events()} also the {@link AuditEvent} detectors read, with {@code requestObject}
 * and {@code responseObject} as trees. Both are immutable and thread-safe.
 */
public final class AuditReader {

  private static final JsonFactory FACTORY = Json.mapper().getFactory();

  /** Trees of the two free-form fields, refusing a repeated name like the rest of the reader. */
  private static final ObjectReader TREES =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private static final Pattern REPEATED_NAME = Pattern.compile("Duplicate field '([^']*)'");
  private static final List<AuditField> REQUIRED =
      Arrays.stream(AuditField.values()).filter(AuditField::required).toList();
  private static final String EVENT_LIST = "EventList";
  private static final String ITEMS = "items";

  private static final AuditReader KEYS = new AuditReader(false);
  private static final AuditReader EVENTS = new AuditReader(true);

  private final boolean events;

  private AuditReader(boolean events) {
    this.events = events;
  }

  /** A reader whose valid items carry the key fields only ({@link AuditItem#event()} is null). */
  public static AuditReader keys() {
    return KEYS;
  }

  /** A reader whose valid items also carry the {@link AuditEvent}. */
  public static AuditReader events() {
    return EVENTS;
  }

  /** {@link #readEvent(byte[], int, int)} of a whole array. */
  public AuditItem readEvent(byte[] value) {
    return readEvent(value, 0, value == null ? 0 : value.length);
  }

  /**
   * Reads exactly one audit event from {@code data[offset, offset + length)}. Never throws for bad
   * input: an empty value, input that is not JSON, a value that is not an event object, more JSON
   * after the event, or an event breaking the contract gives a rejected item whose reason says so.
   */
  public AuditItem readEvent(byte[] data, int offset, int length) {
    if (data == null || length == 0) {
      return AuditItem.rejected(data, offset, 0, AuditValidator.EMPTY_VALUE);
    }
    JsonParser p = parser(data, offset, length);
    try (p) {
      JsonToken token = p.nextToken();
      if (token == null) {
        return AuditItem.rejected(data, offset, length, AuditValidator.EMPTY_VALUE);
      }
      if (!utf8(p)) {
        return AuditItem.rejected(data, offset, length, AuditValidator.NOT_UTF8);
      }
      AuditItem item = new Scan(data, offset, p, false).item(token);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        return AuditItem.rejected(
            data, offset, length, AuditValidator.trailing(at.getLineNr(), at.getColumnNr()));
      }
      return item;
    } catch (JsonProcessingException e) {
      return AuditItem.rejected(data, offset, length, syntax(e, p).getMessage());
    } catch (CharConversionException e) {
      // Bytes Jackson took for UTF-32 or UTF-16 that end mid-character: not UTF-8 either way.
      return AuditItem.rejected(data, offset, length, AuditValidator.NOT_UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading an in-memory buffer", e);
    }
  }

  /**
   * Reads every item of a request body in {@code data[offset, offset + length)} and hands each to
   * {@code sink} in body order. An EventList's events are its items; the items of an EventList whose
   * {@code kind} follows its {@code items} are handed over when the list ends.
   *
   * @throws AuditSyntaxException when the body is not JSON (or not UTF-8); items handed over before
   *     belong to a body that cannot be read as a whole
   */
  public void readBody(byte[] data, int offset, int length, Consumer<? super AuditItem> sink)
      throws AuditSyntaxException {
    JsonParser p = parser(data, offset, length);
    try (p) {
      Scan scan = new Scan(data, offset, p, true);
      JsonToken token = p.nextToken();
      if (token != null && !utf8(p)) {
        throw AuditSyntaxException.notUtf8();
      }
      for (; token != null; token = p.nextToken()) {
        if (token == JsonToken.START_ARRAY) {
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            sink.accept(scan.item(token));
          }
        } else if (token == JsonToken.START_OBJECT) {
          scan.topObject(sink);
        } else {
          sink.accept(scan.item(token));
        }
      }
    } catch (JsonProcessingException e) {
      throw syntax(e, p);
    } catch (CharConversionException e) {
      throw AuditSyntaxException.notUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException("reading an in-memory buffer", e);
    }
  }

  private static JsonParser parser(byte[] data, int offset, int length) {
    try {
      return FACTORY.createParser(data, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException("opening an in-memory buffer", e);
    }
  }

  /** Jackson reads UTF-16 and UTF-32 through a character reader, which keeps no byte offsets. */
  private static boolean utf8(JsonParser p) {
    return p.currentTokenLocation().getByteOffset() >= 0;
  }

  private static AuditSyntaxException syntax(JsonProcessingException e, JsonParser p) {
    // Limit violations (nesting depth, number length) carry no location; the parser knows it.
    JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
    return new AuditSyntaxException(
        at.getLineNr(), at.getColumnNr(), e.getOriginalMessage(), true);
  }

  /** The state of reading one input: the parser, the names seen per open object, the event read. */
  private final class Scan {
    private final byte[] data;
    private final int base;
    private final JsonParser p;
    private final boolean body;
    private final Names names = new Names();
    /** The event whose value is being read; a repeated name anywhere inside is charged to it. */
    private Event event;

    Scan(byte[] data, int base, JsonParser p, boolean body) {
      this.data = data;
      this.base = base;
      this.p = p;
      this.body = body;
    }

    /** The item whose value starts at the current token. */
    AuditItem item(JsonToken token) throws IOException {
      int start = tokenStart();
      if (token != JsonToken.START_OBJECT) {
        return notAnEvent(token, start);
      }
      Event read = readObject(false);
      return read.item(start, valueEnd());
    }

    /**
     * A top-level object of a body: an EventList, whose items are its elements, or else one event.
     * Which one is known only at its end, as {@code kind} may follow {@code items}: the object is
     * read as an event while the elements of its {@code items} array are read as items of their own.
     */
    void topObject(Consumer<? super AuditItem> sink) throws IOException {
      int start = tokenStart();
      Event read = readObject(body);
      int end = valueEnd();
      if (!EVENT_LIST.equals(read.kind)) {
        sink.accept(read.item(start, end));
      } else if (read.repeated != null) {
        sink.accept(AuditItem.rejected(data, start, end - start, read.repeated));
      } else if (read.items == null) {
        sink.accept(AuditItem.rejected(data, start, end - start, AuditValidator.NO_ITEMS));
      } else {
        read.items.forEach(sink);
      }
    }

    private AuditItem notAnEvent(JsonToken token, int start) throws IOException {
      if (token.isStructStart()) {
        skip(token);
      } else {
        p.finishToken();
      }
      int end = valueEnd();
      while (end > start && isWhitespace(data[end - 1])) {
        end--; // a number at the top level ends after the white space that ends it
      }
      return AuditItem.rejected(data, start, end - start, AuditValidator.notAnEvent(token));
    }

    /** Reads the object at the current token as an event. */
    private Event readObject(boolean top) throws IOException {
      Event outer = event;
      Event read = new Event(events);
      event = read;
      names.open(p);
      readFields(null, top);
      event = outer;
      return read;
    }

    private void readFields(AuditField parent, boolean top) throws IOException {
      Map<String, AuditField> fields = AuditField.childrenOf(parent);
      int depth = depth();
      String name;
      while ((name = nextName(depth)) != null) {
        JsonToken token = p.nextToken();
        AuditField field = fields.get(name);
        if (field != null) {
          read(field, token);
        } else if (top && token == JsonToken.START_ARRAY && ITEMS.equals(name)) {
          readItems();
        } else {
          skip(token);
        }
      }
    }

    private void read(AuditField field, JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        if (events && isTree(field)) {
          event.keep(field, NullNode.getInstance()); // what databind gives a JsonNode set to null
        }
        return;
      }
      event.seen(field);
      if (!AuditValidator.fits(field, token)) {
        event.problem(field, AuditValidator.wrongType(field, token));
        skip(token);
        return;
      }
      switch (field.type()) {
        case STRING, TEXT -> {
          if (events || field.type() == AuditField.Type.TEXT || !field.allowedValues().isEmpty()) {
            String text = p.getText();
            event.problem(field, AuditValidator.checkText(field, text));
            event.keep(field, text);
          }
        }
        case TIMESTAMP -> {
          String text = p.getText();
          Instant instant = AuditValidator.timestamp(text);
          if (instant == null) {
            event.problem(field, AuditValidator.notATime(field, text));
          }
          event.keep(field, instant);
        }
        case INTEGER -> {
          if (p.getNumberType() != JsonParser.NumberType.INT) {
            event.problem(field, AuditValidator.wrongType(field, token));
          } else {
            int value = p.getIntValue();
            event.problem(field, AuditValidator.checkInteger(field, value));
            event.keep(field, value);
          }
        }
        case STRING_ARRAY -> readStrings(field);
        case STRING_MAP -> readStringMap(field);
        case OBJECT, ANY -> {
          if (field.hasChildren()) {
            event.object(field);
            names.open(p);
            readFields(field, false);
          } else if (events && isTree(field)) {
            readTree(field, token);
          } else {
            skip(token);
          }
        }
      }
    }

    private void readStrings(AuditField field) throws IOException {
      List<String> strings = events ? new ArrayList<>() : null;
      JsonToken token;
      while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
        if (token != JsonToken.VALUE_STRING) {
          event.problem(field, AuditValidator.wrongElement(field, token));
          skip(token);
        } else if (strings != null) {
          strings.add(p.getText());
        }
      }
      event.keep(field, strings);
    }

    private void readStringMap(AuditField field) throws IOException {
      Map<String, String> map = events ? new LinkedHashMap<>() : null;
      names.open(p);
      int depth = depth();
      String key;
      while ((key = nextName(depth)) != null) {
        JsonToken token = p.nextToken();
        if (token != JsonToken.VALUE_STRING) {
          event.problem(field, AuditValidator.wrongEntry(field, key, token));
          skip(token);
        } else if (map != null) {
          map.put(key, p.getText());
        }
      }
      event.keep(field, map);
    }

    private void readTree(AuditField field, JsonToken token) throws IOException {
      JsonStreamContext outside =
          token.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
      try {
        event.keep(field, TREES.readTree(p));
      } catch (JsonMappingException e) {
        // Only a repeated name makes reading a tree fail with a mapping (not a parse) error.
        while (p.getParsingContext() != outside) {
          if (p.nextToken() == null) {
            throw new JsonParseException(p, "unexpected end of input inside a value");
          }
        }
        Matcher name = REPEATED_NAME.matcher(String.valueOf(e.getOriginalMessage()));
        event.repeat(name.find() ? name.group(1) : "?");
      }
    }

    /** The elements of a top-level object's {@code items} array, each read as an item. */
    private void readItems() throws IOException {
      Event outer = event;
      List<AuditItem> items = new ArrayList<>();
      JsonToken token;
      while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
        int start = tokenStart();
        Event read;
        AuditItem item;
        if (token == JsonToken.START_OBJECT) {
          read = readObject(false);
          item = read.item(start, valueEnd());
        } else {
          // Not an event, but a repeated name inside still rejects the object read as an event.
          read = new Event(false);
          event = read;
          item = notAnEvent(token, start);
          event = outer;
        }
        outer.repeatInside(read.repeated);
        items.add(item);
      }
      outer.items = items;
    }

    /**
     * The next field name of the object open at {@code depth}, or null at its end. A name the object
     * already had is charged to the event and its value skipped.
     */
    private String nextName(int depth) throws IOException {
      String name;
      while ((name = p.nextFieldName()) != null && names.repeated(depth, name)) {
        event.repeat(name);
        skip(p.nextToken());
      }
      return name;
    }

    /** Skips the value at the current token, checking every object inside for repeated names. */
    private void skip(JsonToken token) throws IOException {
      if (!token.isStructStart()) {
        return; // an unread string is skipped, and checked, by the next token
      }
      if (token == JsonToken.START_OBJECT) {
        names.open(p);
      }
      int open = 1;
      while (open > 0) {
        JsonToken next = p.nextToken();
        if (next == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          if (names.repeated(depth(), name) && event != null) {
            event.repeat(name);
          }
        } else if (next.isStructStart()) {
          open++;
          if (next == JsonToken.START_OBJECT) {
            names.open(p);
          }
        } else if (next.isStructEnd()) {
          open--;
        }
      }
    }

    private int depth() {
      return p.getParsingContext().getNestingDepth();
    }

    private int tokenStart() {
      return base + (int) p.currentTokenLocation().getByteOffset();
    }

    private int valueEnd() {
      return base + (int) p.currentLocation().getByteOffset();
    }

    /** What one object read as an event holds, and the first rule it broke. */
    private final class Event {
      private final Object[] values;
      private long seen;
      private long objects;
      private int problemAt = Integer.MAX_VALUE;
      private String problem;
      /** The first name repeated in this object or any value in it, outside {@code items}. */
      private String repeated;
      /** The first name repeated inside an element of {@code items}. */
      private String repeatedInside;
      private List<AuditItem> items;
      private String kind;
      private String auditId;
      private String stage;
      private String username;

      Event(boolean materialize) {
        values = materialize ? new Object[AuditField.values().length] : null;
      }

      void seen(AuditField field) {
        seen |= bit(field);
      }

      void object(AuditField field) {
        objects |= bit(field);
      }

      void problem(AuditField field, String reason) {
        if (reason != null && field.ordinal() < problemAt) {
          problemAt = field.ordinal();
          problem = reason;
        }
      }

      void repeat(String name) {
        if (repeated == null) {
          repeated = AuditValidator.repeated(name);
        }
      }

      void repeatInside(String reason) {
        if (repeatedInside == null) {
          repeatedInside = reason;
        }
      }

      void keep(AuditField field, Object value) {
        switch (field) {
          case KIND -> kind = (String) value;
          case AUDIT_ID -> auditId = (String) value;
          case STAGE -> stage = (String) value;
          case USER_USERNAME -> username = (String) value;
          default -> { }
        }
        if (values != null) {
          values[field.ordinal()] = value;
        }
      }

      AuditItem item(int start, int end) {
        if (repeated != null || repeatedInside != null) {
          String reason = repeated != null ? repeated : repeatedInside;
          return AuditItem.rejected(data, start, end - start, reason);
        }
        for (AuditField field : REQUIRED) {
          AuditField parent = field.parent();
          boolean applies = parent == null || (objects & bit(parent)) != 0;
          if (applies && (seen & bit(field)) == 0) {
            problem(field, AuditValidator.missing(field));
          }
        }
        AuditEvent built = problem == null && values != null ? event() : null;
        return new AuditItem(data, start, end - start, username, auditId, stage, built, problem);
      }

      private AuditEvent event() {
        return new AuditEvent(
            kind,
            text(AuditField.API_VERSION),
            text(AuditField.LEVEL),
            auditId,
            stage,
            text(AuditField.REQUEST_URI),
            text(AuditField.VERB),
            user(AuditField.USER),
            user(AuditField.IMPERSONATED_USER),
            strings(AuditField.SOURCE_IPS),
            text(AuditField.USER_AGENT),
            objectRef(),
            responseStatus(),
            (JsonNode) values[AuditField.REQUEST_OBJECT.ordinal()],
            (JsonNode) values[AuditField.RESPONSE_OBJECT.ordinal()],
            (Instant) values[AuditField.REQUEST_RECEIVED_TIMESTAMP.ordinal()],
            (Instant) values[AuditField.STAGE_TIMESTAMP.ordinal()],
            stringMap(AuditField.ANNOTATIONS));
      }

      private UserInfo user(AuditField field) {
        if ((objects & bit(field)) == 0) {
          return null;
        }
        boolean main = field == AuditField.USER;
        return new UserInfo(
            text(main ? AuditField.USER_USERNAME : AuditField.IMPERSONATED_USER_USERNAME),
            text(main ? AuditField.USER_UID : AuditField.IMPERSONATED_USER_UID),
            strings(main ? AuditField.USER_GROUPS : AuditField.IMPERSONATED_USER_GROUPS));
      }

      private ObjectReference objectRef() {
        if ((objects & bit(AuditField.OBJECT_REF)) == 0) {
          return null;
        }
        return new ObjectReference(
            text(AuditField.OBJECT_REF_RESOURCE),
            text(AuditField.OBJECT_REF_NAMESPACE),
            text(AuditField.OBJECT_REF_NAME),
            text(AuditField.OBJECT_REF_UID),
            text(AuditField.OBJECT_REF_API_GROUP),
            text(AuditField.OBJECT_REF_API_VERSION),
            text(AuditField.OBJECT_REF_RESOURCE_VERSION),
            text(AuditField.OBJECT_REF_SUBRESOURCE));
      }

      private ResponseStatus responseStatus() {
        if ((objects & bit(AuditField.RESPONSE_STATUS)) == 0) {
          return null;
        }
        return new ResponseStatus(
            (Integer) values[AuditField.RESPONSE_STATUS_CODE.ordinal()],
            text(AuditField.RESPONSE_STATUS_STATUS),
            text(AuditField.RESPONSE_STATUS_REASON),
            text(AuditField.RESPONSE_STATUS_MESSAGE));
      }

      private String text(AuditField field) {
        return (String) values[field.ordinal()];
      }

      @SuppressWarnings("unchecked")
      private List<String> strings(AuditField field) {
        return (List<String>) values[field.ordinal()];
      }

      @SuppressWarnings("unchecked")
      private Map<String, String> stringMap(AuditField field) {
        return (Map<String, String>) values[field.ordinal()];
      }
    }
  }

  private static boolean isTree(AuditField field) {
    return field == AuditField.REQUEST_OBJECT || field == AuditField.RESPONSE_OBJECT;
  }

  private static long bit(AuditField field) {
    return 1L << field.ordinal();
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /** The names seen in each open object, by nesting depth. */
  private static final class Names {
    private NameSet[] byDepth = new NameSet[8];

    /** Starts the object at the parser's current token ({@code START_OBJECT}). */
    void open(JsonParser p) {
      int depth = p.getParsingContext().getNestingDepth();
      if (depth >= byDepth.length) {
        byDepth = Arrays.copyOf(byDepth, Math.max(depth + 1, byDepth.length * 2));
      }
      if (byDepth[depth] == null) {
        byDepth[depth] = new NameSet();
      }
      byDepth[depth].clear();
    }

    /** Records {@code name} in the object open at {@code depth}; true when it was there already. */
    boolean repeated(int depth, String name) {
      return !byDepth[depth].add(name);
    }
  }

  /**
   * The names of one object: a short array scanned linearly (the parser hands out one instance per
   * name, so most comparisons are by identity), and a hash set once an object has many fields.
   */
  private static final class NameSet {
    private static final int LINEAR = 16;
    private final String[] names = new String[LINEAR];
    private int size;
    private Set<String> many;

    void clear() {
      size = 0;
      many = null;
    }

    boolean add(String name) {
      if (many != null) {
        return many.add(name);
      }
      for (int i = 0; i < size; i++) {
        if (names[i].equals(name)) {
          return false;
        }
      }
      if (size == LINEAR) {
        many = new HashSet<>(Arrays.asList(names));
        return many.add(name);
      }
      names[size++] = name;
      return true;
    }
  }
}
