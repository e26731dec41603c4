package dev.vigil.schemas.audit;

import java.time.Instant;

/**
 * Reads the one timestamp shape kube-apiserver writes, {@code 2024-05-01T12:34:56.123456Z}, without
 * {@code DateTimeFormatter}, whose general parser allocated about a kilobyte per timestamp and was
 * the largest single cost of parsing an event. Anything else (an offset, a leap second, a missing
 * part) answers {@code null} and the caller uses the formatter; for what it does accept it gives the
 * same instant as {@link Instant#parse} ({@code UtcTimestampsTest} compares them).
 */
public final class UtcTimestamps {

  private static final int SHORTEST = "2024-05-01T12:34:56Z".length();
  private static final int LONGEST = "2024-05-01T12:34:56.123456789Z".length();

  private UtcTimestamps() {}

  /** The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other text. */
  public static Instant parse(String text) {
    int length = text.length();
    if (length < SHORTEST || length > LONGEST || length == SHORTEST + 1
        || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (length > SHORTEST) {
      if (text.charAt(19) != '.') {
        return null;
      }
      int fractionDigits = length - SHORTEST - 1;
      int fraction = digits(text, 20, fractionDigits);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days algorithm, inverted). */
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }
}
