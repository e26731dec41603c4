package dev.vigil.detection.sigma;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network for the {@code cidr} modifier; never resolves names. */
final class Cidr implements StringTest {

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code address/prefix}, or a bare address as a single host.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a network: write an IPv4 or IPv6 address and prefix length,"
              + " for example 10.0.0.0/8 or fd00::/8");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "\"" + text + "\": the prefix length must be 0 to " + bits);
      }
    }
    return new Cidr(bytes, prefix);
  }

  @Override
  public boolean test(String value) {
    byte[] address = literal(value);
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (address[full] & mask) == (network[full] & mask);
  }

  /** The bytes of an IP literal, or null when the text is not one. */
  static byte[] literal(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.indexOf(':') < 0) {
      return ipv4(text);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // Only hex digits, colons and dots: InetAddress then parses a literal and never asks DNS.
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
        return null;
      }
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] ipv4(String text) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= text.length(); i++) {
      char c = i == text.length() ? '.' : text.charAt(i);
      if (c == '.') {
        if (value < 0 || part > 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
