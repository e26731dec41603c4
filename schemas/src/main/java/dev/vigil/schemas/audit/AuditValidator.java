package dev.vigil.schemas.audit;

import com.fasterxml.jackson.core.JsonToken;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.stream.Collectors;

/**
 * The rules of {@link AuditField}, applied to one value at a time as {@link AuditReader} streams past
 * it, and the one place that words a rejection. A reason is one line that names the field, what was
 * wrong and what was expected; the gateway answers it to the client and writes it as the DLQ record's
 * {@code vigil-reason}.
 */
final class AuditValidator {

  /** Quoted input is cut here, so a reason stays short whatever the input holds. */
  private static final int MAX_QUOTED_CHARS = 200;

  static final String NO_ITEMS = "an EventList needs an \"items\" array of events";
  static final String EMPTY_VALUE = "the value is empty; send one audit Event object";
  static final String NOT_UTF8 = "the value must be UTF-8 encoded JSON";

  private AuditValidator() {}

  /** Whether a value starting with {@code token} has the JSON type {@code field} needs. */
  static boolean fits(AuditField field, JsonToken token) {
    return switch (field.type()) {
      case STRING, TEXT, TIMESTAMP -> token == JsonToken.VALUE_STRING;
      case INTEGER -> token == JsonToken.VALUE_NUMBER_INT;
      case STRING_ARRAY -> token == JsonToken.START_ARRAY;
      case STRING_MAP, OBJECT -> token == JsonToken.START_OBJECT;
      case ANY -> true;
    };
  }

  static String wrongType(AuditField field, JsonToken token) {
    String expected =
        switch (field.type()) {
          case STRING, TEXT -> field.allowedValues().size() == 1
              ? "the string \"" + field.allowedValues().get(0) + "\""
              : "a string";
          case TIMESTAMP -> "an RFC 3339 time string";
          case INTEGER -> "an integer";
          case STRING_ARRAY -> "an array of strings";
          case STRING_MAP -> "an object of strings";
          case OBJECT -> "an object";
          case ANY -> "a JSON value";
        };
    return field.path() + " must be " + expected + ", got a " + typeName(token);
  }

  /** The problem with the text of a string field, or null. */
  static String checkText(AuditField field, String text) {
    if (field.type() == AuditField.Type.TEXT && text.isBlank()) {
      return field.path() + " must not be empty";
    }
    if (!field.allowedValues().isEmpty() && !field.allowedValues().contains(text)) {
      return field.path() + " is " + quote(text) + ", expected " + allowed(field);
    }
    return null;
  }

  /** The problem with the value of an integer field, or null. */
  static String checkInteger(AuditField field, int value) {
    if (value < field.minimum() || value > field.maximum()) {
      return field.path() + " is " + value + ", expected an integer from " + field.minimum()
          + " to " + field.maximum();
    }
    return null;
  }

  /**
   * RFC 3339's {@code date-time}: four-digit year, seconds always, a fraction of up to nine digits,
   * {@code Z} or a numeric offset. {@code OffsetDateTime.parse} alone would also take a time without
   * seconds, which {@code Instant.parse} and the schema's {@code date-time} refuse.
   */
  private static final DateTimeFormatter RFC_3339 =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendValue(ChronoField.YEAR, 4)
          .appendLiteral('-')
          .appendValue(ChronoField.MONTH_OF_YEAR, 2)
          .appendLiteral('-')
          .appendValue(ChronoField.DAY_OF_MONTH, 2)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter()
          .withChronology(IsoChronology.INSTANCE)
          .withResolverStyle(ResolverStyle.STRICT);

  /** The instant of an RFC 3339 date-time, or null when {@code text} is not one. */
  static Instant timestamp(String text) {
    Instant plain = UtcTimestamps.parse(text);
    if (plain != null) {
      return plain;
    }
    try {
      return OffsetDateTime.parse(text, RFC_3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String notATime(AuditField field, String text) {
    return field.path() + " " + quote(text) + " is not an RFC 3339 time";
  }

  static String wrongElement(AuditField field, JsonToken token) {
    return field.path() + " must contain only strings, found a " + typeName(token);
  }

  static String wrongEntry(AuditField field, String key, JsonToken token) {
    return field.path() + "[" + quote(key) + "] must be a string, got a " + typeName(token);
  }

  static String missing(AuditField field) {
    return "missing required field " + field.path();
  }

  static String notAnEvent(JsonToken token) {
    return "the item is a JSON " + typeName(token) + ", not an audit Event object";
  }

  static String repeated(String name) {
    return "the field " + quote(name)
        + " appears twice in one object; parsers disagree on which value counts, so send each"
        + " field once";
  }

  static String trailing(int line, int column) {
    return "more JSON follows the event at line " + line + ", column " + column
        + "; send one event per record";
  }

  static String notJson(int line, int column, String detail) {
    return "not valid JSON at line " + line + ", column " + column + " (" + oneLine(detail) + ")";
  }

  /** {@code "text"}, cut to a bounded length and to one line. */
  static String quote(String text) {
    return "\"" + oneLine(text) + "\"";
  }

  /** Control characters (line breaks among them) become spaces; long text is cut. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String cut =
        text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    StringBuilder line = null;
    for (int i = 0; i < cut.length(); i++) {
      if (Character.isISOControl(cut.charAt(i))) {
        if (line == null) {
          line = new StringBuilder(cut);
        }
        line.setCharAt(i, ' ');
      }
    }
    return line == null ? cut : line.toString();
  }

  private static String allowed(AuditField field) {
    String values =
        field.allowedValues().stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    return field.allowedValues().size() == 1 ? values : "one of " + values;
  }

  static String typeName(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "array";
      case START_OBJECT -> "object";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }
}
