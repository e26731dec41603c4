package dev.vigil.detection.stateful;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.stateful.WindowState.Episode;
import dev.vigil.detection.stateful.WindowState.Obs;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.JsonSerde;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WindowStateSerdeTest {

  private final WindowStateSerde serde = new WindowStateSerde();

  @Test
  void theLayoutCoversEveryFieldOfTheState() {
    // A new field must be added to WindowStateSerde (and here), or it would be silently dropped.
    assertThat(fields(WindowState.class))
        .isEqualTo(Set.of("cluster", "workspace", "user", "recent", "episode", "touchedWallMs"));
    assertThat(fields(Obs.class))
        .isEqualTo(Set.of("t", "dim", "value", "label", "auditId", "receivedMs", "userAgent",
            "sourceIp", "folded"));
    assertThat(fields(Episode.class))
        .isEqualTo(Set.of("start", "end", "total", "dimension", "distinct", "labels", "sourceIps",
            "userAgent", "reported", "pendingCount", "pendingStart", "pendingEnd",
            "pendingReceivedMs", "pendingAuditIds"));
  }

  @Test
  void aStateReadsBackAsItWasWritten() {
    for (WindowState state : List.of(empty(), withRecent(), withEpisode(), withNulls())) {
      byte[] bytes = serde.serializer().serialize("t", state);
      assertThat(bytes[0]).isEqualTo(WindowStateSerde.VERSION);
      assertThat(json(serde.deserializer().deserialize("t", bytes))).isEqualTo(json(state));
    }
  }

  @Test
  void theFirstBinaryLayoutWithoutFoldedCountsIsStillRead() {
    WindowState state = withRecent();
    state.recent.forEach(o -> o.folded = 0);
    byte[] current = serde.serializer().serialize("t", state);
    // Version 1: the same layout without the 4-byte folded count after each observation.
    java.io.ByteArrayOutputStream v1 = new java.io.ByteArrayOutputStream();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(current);
    v1.write(WindowStateSerde.VERSION_1);
    in.get();
    copyStrings(in, v1, 3);
    copy(in, v1, 8);
    int recent = in.getInt();
    v1.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(recent).array());
    for (int i = 0; i < recent; i++) {
      copy(in, v1, 8);
      copyStrings(in, v1, 4);
      copy(in, v1, 8);
      copyStrings(in, v1, 2);
      in.getInt(); // folded, not in version 1
    }
    copy(in, v1, in.remaining());
    assertThat(json(serde.deserializer().deserialize("t", v1.toByteArray()))).isEqualTo(json(state));
  }

  private static void copy(java.nio.ByteBuffer in, java.io.ByteArrayOutputStream out, int n) {
    byte[] b = new byte[n];
    in.get(b);
    out.writeBytes(b);
  }

  private static void copyStrings(java.nio.ByteBuffer in, java.io.ByteArrayOutputStream out, int n) {
    for (int i = 0; i < n; i++) {
      int length = in.getInt();
      out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(length).array());
      if (length > 0) {
        copy(in, out, length);
      }
    }
  }

  @Test
  void stateWrittenAsJsonBeforeIsStillRead() {
    JsonSerde<WindowState> legacy = new JsonSerde<>(WindowState.class);
    for (WindowState state : List.of(empty(), withRecent(), withEpisode())) {
      byte[] bytes = legacy.serializer().serialize("t", state);
      assertThat(json(serde.deserializer().deserialize("t", bytes))).isEqualTo(json(state));
    }
  }

  @Test
  void aTombstoneStaysNullAndATruncatedValueIsAnError() {
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
    byte[] bytes = serde.serializer().serialize("t", withEpisode());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void theBinaryLayoutIsSmallerThanJson() {
    WindowState state = withRecent();
    assertThat(serde.serializer().serialize("t", state).length)
        .isLessThan(new JsonSerde<>(WindowState.class).serializer().serialize("t", state).length);
  }

  private static Set<String> fields(Class<?> type) {
    return Arrays.stream(type.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())
            && !f.isSynthetic())
        .map(Field::getName)
        .collect(Collectors.toSet());
  }

  private static String json(WindowState state) {
    try {
      return Json.mapper().writeValueAsString(state);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static WindowState empty() {
    return new WindowState("c1", "default", "alice");
  }

  private static WindowState withRecent() {
    WindowState state = new WindowState("prod-eu-1", "team-ä", "system:serviceaccount:ns:sa");
    state.touchedWallMs = 1_700_000_000_123L;
    for (int i = 0; i < 50; i++) {
      Obs o = new Obs();
      o.t = 1_700_000_000_000L + i;
      o.dim = "types";
      o.value = "resource-" + (i % 7);
      o.label = "list resource-" + (i % 7);
      o.auditId = "audit-" + i;
      o.receivedMs = 1_700_000_000_500L + i;
      o.userAgent = i % 2 == 0 ? "kubectl/v1.30 (linux/amd64) ☃" : null;
      o.sourceIp = "10.0.0." + i;
      o.folded = i % 3;
      state.recent.add(o);
    }
    return state;
  }

  private static WindowState withEpisode() {
    WindowState state = withRecent();
    Episode e = new Episode();
    e.start = 1;
    e.end = Long.MAX_VALUE;
    e.total = 42;
    e.dimension = "requests";
    e.distinct = 12;
    e.labels = new ArrayList<>(List.of("get secrets (403)", "list pods (401)"));
    e.sourceIps = new ArrayList<>(List.of("10.1.1.1", "2001:db8::1"));
    e.userAgent = "curl/8.0";
    e.reported = true;
    e.pendingCount = 3;
    e.pendingStart = 5;
    e.pendingEnd = 9;
    e.pendingReceivedMs = 11;
    e.pendingAuditIds = new ArrayList<>(List.of("a", "b", ""));
    state.episode = e;
    return state;
  }

  private static WindowState withNulls() {
    WindowState state = new WindowState(null, null, null);
    Obs o = new Obs();
    state.recent.add(o);
    Episode e = new Episode();
    e.labels = null;
    e.sourceIps = new ArrayList<>();
    e.pendingAuditIds = null;
    state.episode = e;
    return state;
  }
}
