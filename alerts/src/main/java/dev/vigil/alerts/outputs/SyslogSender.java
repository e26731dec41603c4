package dev.vigil.alerts.outputs;

import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 syslog over TCP ({@code tcp://}, loopback only) or TLS ({@code tls://}, RFC 5425), with
 * octet-counting framing (RFC 6587). The message is the alert JSON; the structured data names the
 * alert and the idempotency key. A message counts as accepted once written and flushed to the
 * connection: syslog has no acknowledgement, so a connection that breaks is reopened and the message
 * written again.
 */
final class SyslogSender implements Sender {
  /** Facility 4 (security/authorization). */
  static final int FACILITY = 4;
  /** The private enterprise number reserved for documentation (RFC 5612), in the SD-ID. */
  static final String SD_ID = "vigil@32473";
  private static final int TIMEOUT_MS = 10_000;

  private final OutputSpec.Endpoint endpoint;
  private final SSLContext tls;
  private final String hostname;
  private Socket socket;

  SyslogSender(OutputDefinition output) {
    this.endpoint = OutputSpec.Endpoint.of(output.kind(), output.url());
    try {
      this.tls = !endpoint.tls() ? null
          : output.caCertificate() != null ? OutputSpec.sslContext(output.caCertificate()) : SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "-";
    }
    this.hostname = host;
  }

  /** The framed RFC 5424 record of {@code m}: {@code LEN SP <PRI>1 TIMESTAMP HOST vigil - MSGID [SD] BOM MSG}. */
  static byte[] frame(Message m, String hostname, Instant now) {
    Severity severity = m.alert() == null ? Severity.Informational : m.alert().severity();
    int pri = FACILITY * 8 + switch (severity == null ? Severity.Informational : severity) {
      case High -> 2;
      case Medium -> 3;
      case Low -> 4;
      case Informational -> 6;
    };
    String msgId = m.alert() == null ? "digest" : printable(m.alert().alertType(), 32);
    String sd = "[" + SD_ID + " kind=\"" + m.kind().name().toLowerCase(java.util.Locale.ROOT) + "\""
        + (m.alert() == null ? "" : " alertId=\"" + sdValue(m.alert().id()) + "\"")
        + " idempotencyKey=\"" + sdValue(m.idempotencyKey()) + "\"]";
    String header = "<" + pri + ">1 " + now.truncatedTo(ChronoUnit.MILLIS) + " " + printable(hostname, 255)
        + " vigil - " + msgId + " " + sd + " ";
    byte[] head = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = Formats.webhook(m);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    int length = head.length + bom.length + body.length;
    byte[] prefix = (length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(head, 0, out, prefix.length, head.length);
    System.arraycopy(bom, 0, out, prefix.length + head.length, bom.length);
    System.arraycopy(body, 0, out, prefix.length + head.length + bom.length, body.length);
    return out;
  }

  @Override
  public synchronized void send(Message m) throws DeliveryException {
    byte[] framed = frame(m, hostname, Instant.now());
    try {
      if (socket == null || socket.isClosed()) {
        socket = connect();
      }
      OutputStream out = socket.getOutputStream();
      out.write(framed);
      out.flush();
    } catch (IOException e) {
      close();
      throw new DeliveryException(endpoint.display() + " unreachable: " + e, e);
    }
  }

  private Socket connect() throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), TIMEOUT_MS);
    plain.setSoTimeout(TIMEOUT_MS);
    if (tls == null) {
      return plain;
    }
    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, endpoint.host(), endpoint.port(), true);
    SSLParameters params = secure.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    secure.setSSLParameters(params);
    secure.startHandshake();
    return secure;
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
      socket = null;
    }
  }

  private static String printable(String s, int max) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (b.length() == max) {
        break;
      }
      b.append(c > 32 && c < 127 ? c : '_');
    }
    return b.toString();
  }

  private static String sdValue(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }
}
