package dev.vigil.schemas.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record type written and read with Jackson's streaming API, field by field, in the same JSON as
 * {@link Json#mapper()} writes by reflection: same field names and order, nulls left out, instants as
 * ISO-8601 strings.
 *
 * <p>The hot types ({@code Finding}, {@code Alert}) pass through several serde calls per event in an
 * alert storm; reflective databind of them was about 40% of the alerts thread in the storm's profile
 * (benchmarks/README.md). A reader meets only the shapes Vigil writes; anything else (a number where a
 * string was written, an unknown enum constant, an object where a list was) is handed to databind, so
 * every input is read exactly as before, and every error is databind's.
 *
 * @param <T> the record type
 */
public abstract class JsonCodec<T> {

  /** Thrown by a reader on a shape it does not handle: the value is read again by databind. */
  protected static final class NotFastPath extends RuntimeException {
    private static final NotFastPath INSTANCE = new NotFastPath();

    private NotFastPath() {
      super(null, null, false, false);
    }
  }

  private final Class<T> type;
  private final JsonFactory factory = Json.mapper().getFactory();

  protected JsonCodec(Class<T> type) {
    this.type = type;
  }

  public final Class<T> type() {
    return type;
  }

  /** Writes the value's fields between the object's braces. */
  protected abstract void writeFields(T value, JsonGenerator out) throws IOException;

  /** Reads the value; the parser is positioned on its {@code START_OBJECT}. */
  protected abstract T readObject(JsonParser in) throws IOException;

  public final byte[] write(T value) throws IOException {
    try (ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        JsonGenerator out = factory.createGenerator(bytes)) {
      out.writeStartObject();
      writeFields(value, out);
      out.writeEndObject();
      out.flush();
      return bytes.toByteArray();
    }
  }

  public final T read(byte[] bytes) throws IOException {
    try (JsonParser in = factory.createParser(bytes)) {
      if (in.nextToken() == JsonToken.START_OBJECT) {
        T value = readObject(in);
        if (in.nextToken() == null) {
          return value;
        }
      }
    } catch (NotFastPath | IOException e) {
      // fall through: databind reads it, or explains why it cannot be read
    }
    return Json.mapper().readValue(bytes, type);
  }

  // ---- writing helpers: each leaves a null value out, as the mapper's NON_NULL inclusion does ----

  protected static void string(JsonGenerator out, String name, String value) throws IOException {
    if (value != null) {
      out.writeStringField(name, value);
    }
  }

  protected static void instant(JsonGenerator out, String name, Instant value) throws IOException {
    if (value != null) {
      out.writeStringField(name, Instants.format(value));
    }
  }

  protected static void enumName(JsonGenerator out, String name, Enum<?> value) throws IOException {
    if (value != null) {
      out.writeStringField(name, value.name());
    }
  }

  protected static void strings(JsonGenerator out, String name, List<String> values)
      throws IOException {
    if (values != null) {
      out.writeArrayFieldStart(name);
      for (String v : values) {
        if (v == null) {
          out.writeNull();
        } else {
          out.writeString(v);
        }
      }
      out.writeEndArray();
    }
  }

  /** A string map; null values are left out, as the mapper's content inclusion does. */
  protected static void stringMap(JsonGenerator out, String name, Map<String, String> values)
      throws IOException {
    if (values != null) {
      out.writeObjectFieldStart(name);
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (e.getValue() != null) {
          out.writeStringField(e.getKey() == null ? "" : e.getKey(), e.getValue());
        }
      }
      out.writeEndObject();
    }
  }

  /** Writes one element of a list of records. */
  protected interface ElementWriter<E> {
    void write(E element, JsonGenerator out) throws IOException;
  }

  protected static <E> void objects(
      JsonGenerator out, String name, List<E> values, ElementWriter<E> fields) throws IOException {
    if (values != null) {
      out.writeArrayFieldStart(name);
      for (E v : values) {
        if (v == null) {
          out.writeNull();
        } else {
          out.writeStartObject();
          fields.write(v, out);
          out.writeEndObject();
        }
      }
      out.writeEndArray();
    }
  }

  // ---- reading helpers: the parser is on the field's value token ----

  /** A string field: strings and null only. */
  protected static String string(JsonParser in) throws IOException {
    JsonToken t = in.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return in.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NotFastPath.INSTANCE;
  }

  protected static Instant instant(JsonParser in) throws IOException {
    String text = string(in);
    if (text == null) {
      return null;
    }
    Instant value = Instants.parse(text);
    if (value == null) {
      throw NotFastPath.INSTANCE;
    }
    return value;
  }

  protected static <E extends Enum<E>> E enumValue(JsonParser in, Class<E> type) throws IOException {
    String name = string(in);
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException unknown) {
      throw NotFastPath.INSTANCE;
    }
  }

  protected static long longValue(JsonParser in) throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NUMBER_INT
        && in.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return in.getLongValue();
    }
    throw NotFastPath.INSTANCE;
  }

  protected static int intValue(JsonParser in) throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NUMBER_INT
        && in.getNumberType() == JsonParser.NumberType.INT) {
      return in.getIntValue();
    }
    throw NotFastPath.INSTANCE;
  }

  protected static List<String> strings(JsonParser in) throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (in.currentToken() != JsonToken.START_ARRAY) {
      throw NotFastPath.INSTANCE;
    }
    List<String> values = new ArrayList<>();
    while (in.nextToken() != JsonToken.END_ARRAY) {
      values.add(string(in));
    }
    return values;
  }

  protected static Map<String, String> stringMap(JsonParser in) throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (in.currentToken() != JsonToken.START_OBJECT) {
      throw NotFastPath.INSTANCE;
    }
    Map<String, String> values = new LinkedHashMap<>();
    String key;
    while ((key = in.nextFieldName()) != null) {
      in.nextToken();
      values.put(key, string(in));
    }
    return values;
  }

  /** Reads one element object of a list of records; the parser is on its {@code START_OBJECT}. */
  protected interface ElementReader<E> {
    E read(JsonParser in) throws IOException;
  }

  protected static <E> List<E> objects(JsonParser in, ElementReader<E> element) throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (in.currentToken() != JsonToken.START_ARRAY) {
      throw NotFastPath.INSTANCE;
    }
    List<E> values = new ArrayList<>();
    JsonToken t;
    while ((t = in.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_NULL) {
        values.add(null);
      } else if (t == JsonToken.START_OBJECT) {
        values.add(element.read(in));
      } else {
        throw NotFastPath.INSTANCE;
      }
    }
    return values;
  }

  /** Skips the value of a field this codec does not know (the mapper ignores unknown fields). */
  protected static void skip(JsonParser in) throws IOException {
    in.skipChildren();
  }
}
