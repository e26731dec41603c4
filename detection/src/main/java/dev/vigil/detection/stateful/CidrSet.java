package dev.vigil.detection.stateful;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A set of IPv4 and IPv6 networks, merged into sorted ranges of 128-bit addresses (IPv4 as
 * IPv4-mapped IPv6), so a lookup is a binary search. Parsing never resolves host names. Public for
 * the single-event rules that match source addresses against networks.
 */
public final class CidrSet {

  /** A range of addresses, both ends inclusive, each as two unsigned 64-bit halves. */
  private record Range(long startHi, long startLo, long endHi, long endLo, String source) {}

  private final Range[] ranges;

  private CidrSet(Range[] ranges) {
    this.ranges = ranges;
  }

  public static CidrSet of(List<Entry> entries) {
    List<Range> list = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      list.add(entry.range);
    }
    list.sort(Comparator.<Range>comparingLong(r -> r.startHi ^ Long.MIN_VALUE)
        .thenComparingLong(r -> r.startLo ^ Long.MIN_VALUE));
    List<Range> merged = new ArrayList<>();
    for (Range r : list) {
      Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && compare(r.startHi, r.startLo, last.endHi, last.endLo) <= 0) {
        if (compare(r.endHi, r.endLo, last.endHi, last.endLo) > 0) {
          merged.set(merged.size() - 1, new Range(last.startHi, last.startLo, r.endHi, r.endLo, last.source));
        }
      } else {
        merged.add(r);
      }
    }
    return new CidrSet(merged.toArray(new Range[0]));
  }

  /**
   * The networks of a list file's lines: one address or CIDR per line, {@code #} starts a comment.
   *
   * @param where names the list in errors, for example {@code threat-intelligence file x.txt}
   * @throws IllegalArgumentException naming {@code where} and the line
   */
  public static List<Entry> parseLines(String where, List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash < 0 ? line : line.substring(0, hash)).trim();
      if (text.isEmpty()) {
        continue;
      }
      try {
        entries.add(Entry.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " line " + (i + 1) + ": " + e.getMessage()
            + "; write one address or CIDR per line", e);
      }
    }
    return entries;
  }

  public int size() {
    return ranges.length;
  }

  /** The listed network containing {@code address} (as written in the list), or null. */
  public String match(String address) {
    byte[] bytes = parseAddress(address);
    if (bytes == null || ranges.length == 0) {
      return null;
    }
    long hi = toLong(bytes, 0);
    long lo = toLong(bytes, 8);
    int low = 0;
    int high = ranges.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      Range r = ranges[mid];
      if (compare(hi, lo, r.startHi, r.startLo) < 0) {
        high = mid - 1;
      } else if (compare(hi, lo, r.endHi, r.endLo) > 0) {
        low = mid + 1;
      } else {
        return r.source;
      }
    }
    return null;
  }

  /** One parsed line of a list. */
  public static final class Entry {
    private final Range range;

    private Entry(Range range) {
      this.range = range;
    }

    /**
     * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a single address.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Entry parse(String text) {
      String cidr = text.trim();
      int slash = cidr.indexOf('/');
      String host = slash < 0 ? cidr : cidr.substring(0, slash);
      byte[] bytes = parseAddress(host);
      if (bytes == null) {
        throw new IllegalArgumentException("\"" + cidr + "\" is not an IPv4 or IPv6 address or CIDR");
      }
      boolean v4 = host.indexOf(':') < 0;
      int max = v4 ? 32 : 128;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
          throw new IllegalArgumentException("\"" + cidr + "\" has a prefix length outside 0-" + max);
        }
      }
      int bits = v4 ? prefix + 96 : prefix;
      byte[] start = bytes.clone();
      byte[] end = bytes.clone();
      for (int bit = bits; bit < 128; bit++) {
        int index = bit / 8;
        int mask = 0x80 >>> (bit % 8);
        start[index] &= (byte) ~mask;
        end[index] |= (byte) mask;
      }
      return new Entry(new Range(toLong(start, 0), toLong(start, 8), toLong(end, 0), toLong(end, 8), cidr));
    }
  }

  /**
   * Sixteen bytes (IPv4 mapped into IPv6), or null when {@code text} is not an address literal.
   * IPv4 is parsed by hand; text with a colon can only be an IPv6 literal, which {@link InetAddress}
   * parses without any name lookup.
   */
  public static byte[] parseAddress(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    byte[] out = new byte[16];
    if (text.indexOf(':') < 0) {
      int[] parts = new int[4];
      int part = 0;
      int value = -1;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c >= '0' && c <= '9') {
          value = (value < 0 ? 0 : value * 10) + (c - '0');
          if (value > 255) {
            return null;
          }
        } else if (c == '.' && value >= 0 && part < 3) {
          parts[part++] = value;
          value = -1;
        } else {
          return null;
        }
      }
      if (part != 3 || value < 0) {
        return null;
      }
      parts[3] = value;
      out[10] = (byte) 0xff;
      out[11] = (byte) 0xff;
      for (int i = 0; i < 4; i++) {
        out[12 + i] = (byte) parts[i];
      }
      return out;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
          || c == ':' || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      byte[] address = InetAddress.getByName(text).getAddress();
      if (address.length == 16) {
        return address;
      }
      // An IPv4-mapped IPv6 literal comes back as IPv4.
      System.arraycopy(address, 0, out, 12, 4);
      out[10] = (byte) 0xff;
      out[11] = (byte) 0xff;
      return out;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static long toLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xffL);
    }
    return value;
  }

  private static int compare(long hiA, long loA, long hiB, long loB) {
    int c = Long.compareUnsigned(hiA, hiB);
    return c != 0 ? c : Long.compareUnsigned(loA, loB);
  }

  @Override
  public String toString() {
    return "CidrSet" + Arrays.toString(ranges);
  }
}
