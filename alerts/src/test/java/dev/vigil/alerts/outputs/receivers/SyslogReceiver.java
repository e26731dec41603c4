package dev.vigil.alerts.outputs.receivers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A syslog TCP listener reading octet-counted frames (RFC 6587) as a SIEM's collector would. */
public final class SyslogReceiver implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();

  public SyslogReceiver() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "syslog-receiver");
    accept.setDaemon(true);
    accept.start();
  }

  public String url() {
    return "tcp://127.0.0.1:" + server.getLocalPort();
  }

  /** Every message received: the RFC 5424 record without its length prefix. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.add(socket);
        Thread reader = new Thread(() -> read(socket), "syslog-connection");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void read(Socket socket) {
    try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
      while (true) {
        int length = 0;
        int c;
        while ((c = in.read()) != ' ') {
          if (c < '0' || c > '9') {
            return;
          }
          length = length * 10 + (c - '0');
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          frame.write(b);
        }
        messages.add(frame.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // connection closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
