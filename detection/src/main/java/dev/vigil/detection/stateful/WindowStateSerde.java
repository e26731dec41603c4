package dev.vigil.detection.stateful;

import dev.vigil.detection.stateful.WindowState.Episode;
import dev.vigil.detection.stateful.WindowState.Obs;
import dev.vigil.schemas.JsonSerde;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store format of {@link WindowState}: a compact binary layout written and read field by field.
 *
 * <p>Every observed event reads and rewrites its principal's state, and a state holds up to
 * {@link WindowState#maxRecent} observations; as reflective JSON this was about 40% of the detection
 * thread in the load profile (see {@code benchmarks/README.md}). Values start with {@link #VERSION};
 * JSON values written before this format (they start with {@code '{'}) are still read, so existing
 * stores and changelogs need no migration. {@code WindowStateSerdeTest} checks that the layout covers
 * every field, so a new field cannot be silently dropped.
 */
final class WindowStateSerde implements Serde<WindowState> {

  /** First byte of the binary layout; JSON starts with '{' (or whitespace). */
  static final byte VERSION = 1;

  private final JsonSerde<WindowState> json = new JsonSerde<>(WindowState.class);

  @Override
  public Serializer<WindowState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<WindowState> deserializer() {
    Deserializer<WindowState> legacy = json.deserializer();
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length > 0 && bytes[0] == VERSION) {
        return read(bytes);
      }
      return legacy.deserialize(topic, bytes);
    };
  }

  static byte[] write(WindowState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 + 320 * state.recent.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      string(out, state.cluster);
      string(out, state.workspace);
      string(out, state.user);
      out.writeLong(state.touchedWallMs);
      out.writeInt(state.recent.size());
      for (Obs o : state.recent) {
        out.writeLong(o.t);
        string(out, o.dim);
        string(out, o.value);
        string(out, o.label);
        string(out, o.auditId);
        out.writeLong(o.receivedMs);
        string(out, o.userAgent);
        string(out, o.sourceIp);
      }
      Episode e = state.episode;
      out.writeBoolean(e != null);
      if (e != null) {
        out.writeLong(e.start);
        out.writeLong(e.end);
        out.writeLong(e.total);
        string(out, e.dimension);
        out.writeInt(e.distinct);
        strings(out, e.labels);
        strings(out, e.sourceIps);
        string(out, e.userAgent);
        out.writeBoolean(e.reported);
        out.writeInt(e.pendingCount);
        out.writeLong(e.pendingStart);
        out.writeLong(e.pendingEnd);
        out.writeLong(e.pendingReceivedMs);
        strings(out, e.pendingAuditIds);
      }
    } catch (IOException e) {
      throw new SerializationException("cannot write a window state", e);
    }
    return bytes.toByteArray();
  }

  static WindowState read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      if (in.get() != VERSION) {
        throw new SerializationException("unknown window state version " + bytes[0]);
      }
      WindowState state = new WindowState();
      state.cluster = string(in);
      state.workspace = string(in);
      state.user = string(in);
      state.touchedWallMs = in.getLong();
      int recent = in.getInt();
      if (recent < 0 || recent > in.remaining()) {
        throw new SerializationException("corrupt window state");
      }
      state.recent = new ArrayList<>(recent);
      for (int i = 0; i < recent; i++) {
        Obs o = new Obs();
        o.t = in.getLong();
        o.dim = string(in);
        o.value = string(in);
        o.label = string(in);
        o.auditId = string(in);
        o.receivedMs = in.getLong();
        o.userAgent = string(in);
        o.sourceIp = string(in);
        state.recent.add(o);
      }
      if (in.get() != 0) {
        Episode e = new Episode();
        e.start = in.getLong();
        e.end = in.getLong();
        e.total = in.getLong();
        e.dimension = string(in);
        e.distinct = in.getInt();
        e.labels = strings(in);
        e.sourceIps = strings(in);
        e.userAgent = string(in);
        e.reported = in.get() != 0;
        e.pendingCount = in.getInt();
        e.pendingStart = in.getLong();
        e.pendingEnd = in.getLong();
        e.pendingReceivedMs = in.getLong();
        e.pendingAuditIds = strings(in);
        state.episode = e;
      }
      if (in.hasRemaining()) {
        throw new SerializationException("trailing bytes after a window state");
      }
      return state;
    } catch (BufferUnderflowException e) {
      throw new SerializationException("truncated window state", e);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String string(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    if (length > in.remaining()) {
      throw new SerializationException("truncated window state");
    }
    String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }

  private static void strings(DataOutputStream out, List<String> list) throws IOException {
    if (list == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(list.size());
    for (String s : list) {
      string(out, s);
    }
  }

  private static List<String> strings(ByteBuffer in) {
    int size = in.getInt();
    if (size < 0) {
      return null;
    }
    if (size > in.remaining()) {
      throw new SerializationException("truncated window state");
    }
    List<String> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(string(in));
    }
    return list;
  }
}
