package dev.vigil.alerts;

import dev.vigil.schemas.Caller;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live streams of one instance: how many each token and each workspace holds open (so that one
 * reader cannot take every slot), and what the back-pressure of slow readers cost.
 */
public final class LiveStreams {
  /**
   * The bounds of the live stream.
   *
   * @param maxPerToken streams one token may hold open
   * @param maxPerWorkspace streams one workspace may hold open
   * @param bufferBytes bytes a stream may have waiting for its reader; beyond it the reader is cut off
   * @param ids how positions become event ids
   */
  public record Settings(int maxPerToken, int maxPerWorkspace, long bufferBytes, StreamIds ids) {
    public static final int DEFAULT_MAX_PER_TOKEN = 4;
    public static final int DEFAULT_MAX_PER_WORKSPACE = 16;
    public static final long DEFAULT_BUFFER_BYTES = 1024 * 1024;

    public Settings {
      if (maxPerToken < 1 || maxPerWorkspace < 1 || bufferBytes < 1) {
        throw new IllegalArgumentException("stream limits must be positive");
      }
    }

    public static Settings defaults() {
      return new Settings(
          DEFAULT_MAX_PER_TOKEN, DEFAULT_MAX_PER_WORKSPACE, DEFAULT_BUFFER_BYTES, StreamIds.random());
    }
  }

  private final Settings settings;
  private final ConcurrentMap<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> perWorkspace = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong cutOff = new AtomicLong();
  private final AtomicLong peakPendingBytes = new AtomicLong();
  /** How to end each open stream (on its event loop) when the server stops. */
  private final Set<Runnable> enders = ConcurrentHashMap.newKeySet();

  LiveStreams(Settings settings) {
    this.settings = settings;
  }

  Settings settings() {
    return settings;
  }

  /** Takes a slot for {@code caller}; null when taken, else why not. */
  public synchronized String tryOpen(Caller caller) {
    AtomicInteger token = perToken.computeIfAbsent(caller.name(), k -> new AtomicInteger());
    AtomicInteger workspace = perWorkspace.computeIfAbsent(caller.workspace(), k -> new AtomicInteger());
    if (token.get() >= settings.maxPerToken()) {
      return "this token holds " + settings.maxPerToken() + " live streams open, its limit: close one";
    }
    if (workspace.get() >= settings.maxPerWorkspace()) {
      return "workspace '" + caller.workspace() + "' holds " + settings.maxPerWorkspace()
          + " live streams open, its limit: close one";
    }
    token.incrementAndGet();
    workspace.incrementAndGet();
    open.incrementAndGet();
    return null;
  }

  public synchronized void release(Caller caller) {
    decrement(perToken, caller.name());
    decrement(perWorkspace, caller.workspace());
    open.decrementAndGet();
  }

  private static void decrement(ConcurrentMap<String, AtomicInteger> counts, String key) {
    AtomicInteger count = counts.get(key);
    if (count != null && count.decrementAndGet() <= 0) {
      counts.remove(key);
    }
  }

  /** Registers how to end an open stream when the server stops; {@link #closed} unregisters it. */
  public void whileOpen(Runnable end) {
    enders.add(end);
  }

  /** Unregisters what {@link #whileOpen} registered, as the stream's connection closes. */
  public void closed(Runnable end) {
    enders.remove(end);
  }

  /**
   * Ends every open stream, as the server stops: a reader never hangs up on its own, so a graceful
   * shutdown would otherwise wait its whole timeout (10 s) for the connections of open streams. The
   * reader sees the stream end cleanly and, like an EventSource, reconnects with its last event id.
   */
  public void endAll() {
    for (Runnable end : List.copyOf(enders)) {
      end.run();
    }
  }

  void recordPending(long bytes) {
    peakPendingBytes.accumulateAndGet(bytes, Math::max);
  }

  void recordCutOff() {
    cutOff.incrementAndGet();
  }

  /** Streams open now. */
  public int open() {
    return open.get();
  }

  /** Readers disconnected because their stream's buffer was full. */
  public long cutOff() {
    return cutOff.get();
  }

  /** The most bytes any stream had waiting for its reader (bounded by the buffer plus one event). */
  public long peakPendingBytes() {
    return peakPendingBytes.get();
  }
}
