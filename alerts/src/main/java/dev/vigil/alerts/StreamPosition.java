package dev.vigil.alerts;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A position in {@code vigil.alerts.v1}: the next offset to read of every partition. It is the {@code
 * id} of each server-sent event, so a client reconnecting with {@code Last-Event-ID} resumes exactly
 * after the last event it saw, on any instance of the API. Text form: the offsets joined by dots, in
 * partition order, e.g. {@code 12.0.7.3.0.1}.
 */
public record StreamPosition(long[] offsets) {
  /** More partitions than any sane alerts topic; bounds what a client can make the server parse. */
  static final int MAX_PARTITIONS = 1024;

  private static final Pattern FORMAT = Pattern.compile("^[0-9]{1,19}(\\.[0-9]{1,19}){0,1023}$");

  public StreamPosition {
    offsets = offsets.clone();
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException saying what a valid value looks like
   */
  public static StreamPosition parse(String text) {
    if (text == null || !FORMAT.matcher(text.trim()).matches()) {
      throw new IllegalArgumentException(
          "Last-Event-ID must be the id of an event of this stream (offsets joined by dots), unchanged");
    }
    String[] parts = text.trim().split("\\.");
    long[] offsets = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        offsets[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Last-Event-ID has an offset out of range: " + parts[i], e);
      }
    }
    return new StreamPosition(offsets);
  }

  /** The next offset of {@code partition}, or -1 when this position does not know the partition. */
  public long offset(int partition) {
    return partition < offsets.length ? offsets[partition] : -1;
  }

  /** This position advanced past {@code offset} of {@code partition}. */
  StreamPosition after(int partition, long offset) {
    long[] next = Arrays.copyOf(offsets, Math.max(offsets.length, partition + 1));
    next[partition] = offset + 1;
    return new StreamPosition(next);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < offsets.length; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(offsets[i]);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamPosition other && Arrays.equals(offsets, other.offsets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(offsets);
  }
}
