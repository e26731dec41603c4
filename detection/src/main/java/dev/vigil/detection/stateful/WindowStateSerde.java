package dev.vigil.detection.stateful;

import dev.vigil.detection.stateful.WindowState.Episode;
import dev.vigil.detection.stateful.WindowState.Obs;
import dev.vigil.schemas.JsonSerde;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
public final class WindowStateSerde implements Serde<WindowState> {

  /** First byte of the binary layout; JSON starts with '{' (or whitespace). */
  static final byte VERSION = 2;

  /** The layout before observations carried their folded repeats ({@code Obs.folded}); still read. */
  static final byte VERSION_1 = 1;

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
      if (bytes.length > 0 && (bytes[0] == VERSION || bytes[0] == VERSION_1)) {
        return read(bytes);
      }
      return legacy.deserialize(topic, bytes);
    };
  }

  static byte[] write(WindowState state) {
    Out out = new Out(256 + 160 * state.recent.size());
    out.writeByte(VERSION);
    out.string(state.cluster);
    out.string(state.workspace);
    out.string(state.user);
    out.writeLong(state.touchedWallMs);
    out.writeInt(state.recent.size());
    for (Obs o : state.recent) {
      out.writeLong(o.t);
      out.string(o.dim);
      out.string(o.value);
      out.string(o.label);
      out.string(o.auditId);
      out.writeLong(o.receivedMs);
      out.string(o.userAgent);
      out.string(o.sourceIp);
      out.writeInt(o.folded);
    }
    Episode e = state.episode;
    out.writeByte(e != null ? 1 : 0);
    if (e != null) {
      out.writeLong(e.start);
      out.writeLong(e.end);
      out.writeLong(e.total);
      out.string(e.dimension);
      out.writeInt(e.distinct);
      out.strings(e.labels);
      out.strings(e.sourceIps);
      out.string(e.userAgent);
      out.writeByte(e.reported ? 1 : 0);
      out.writeInt(e.pendingCount);
      out.writeLong(e.pendingStart);
      out.writeLong(e.pendingEnd);
      out.writeLong(e.pendingReceivedMs);
      out.strings(e.pendingAuditIds);
    }
    return out.toByteArray();
  }

  /**
   * A growable big-endian buffer: what {@code DataOutputStream} over a {@code ByteArrayOutputStream}
   * did, without a synchronized call per byte (which was most of the cost of writing a state).
   */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void writeByte(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    void writeInt(int v) {
      ensure(4);
      buf[size++] = (byte) (v >>> 24);
      buf[size++] = (byte) (v >>> 16);
      buf[size++] = (byte) (v >>> 8);
      buf[size++] = (byte) v;
    }

    void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    void string(String s) {
      if (s == null) {
        writeInt(-1);
        return;
      }
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      writeInt(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
    }

    void strings(List<String> list) {
      if (list == null) {
        writeInt(-1);
        return;
      }
      writeInt(list.size());
      for (String s : list) {
        string(s);
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  static WindowState read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte version = in.get();
      if (version != VERSION && version != VERSION_1) {
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
        o.folded = version == VERSION_1 ? 0 : in.getInt();
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
