package dev.vigil.schemas.codec;

import dev.vigil.schemas.audit.UtcTimestamps;
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
   * forms), which the caller hands to a general parser. The audit reader's own parser, shared.
   */
  public static Instant parse(String text) {
    return UtcTimestamps.parse(text);
  }

  private static StringBuilder pad(StringBuilder text, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    return text.append(digits);
  }
}
