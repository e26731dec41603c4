package dev.vigil.schemas.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * ISO-8601 instants as Vigil writes them ({@code 2026-12-05T13:42:07.123456Z}), without a
 * {@code DateTimeFormatter} on the common path: that formatter was about 3% of the alerts thread in the
 * storm profile. Output is exactly {@link Instant#toString()}; anything {@link #parse} does not
 * recognise returns null so the caller can use the general reader.
 */
public final class Instants {

  private static final long SECONDS_PER_DAY = 86_400;

  private Instants() {}

  /** The same text as {@link Instant#toString()}. */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    if (days < -719_528 || days > 2_932_896) {
      return instant.toString(); // outside years 0000..9999
    }
    LocalDate date = LocalDate.ofEpochDay(days);
    StringBuilder text = new StringBuilder(30);
    pad(text, date.getYear(), 4).append('-');
    pad(text, date.getMonthValue(), 2).append('-');
    pad(text, date.getDayOfMonth(), 2).append('T');
    pad(text, secondOfDay / 3600, 2).append(':');
    pad(text, secondOfDay / 60 % 60, 2).append(':');
    pad(text, secondOfDay % 60, 2);
    int nanos = instant.getNano();
    if (nanos > 0) {
      text.append('.');
      if (nanos % 1_000_000 == 0) {
        pad(text, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        pad(text, nanos / 1_000, 6);
      } else {
        pad(text, nanos, 9);
      }
    }
    return text.append('Z').toString();
  }

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}; returns null for any other text (offsets, other
   * forms), which the caller hands to a general parser.
   */
  public static Instant parse(String text) {
    int n = text.length();
    if (n < 20 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
        || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      nanos = digits(text, 20, fraction);
      if (nanos < 0) {
        return null;
      }
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException invalidDate) {
      return null;
    }
    return Instant.ofEpochSecond(
        epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
  }

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

  private static StringBuilder pad(StringBuilder text, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    return text.append(digits);
  }
}
