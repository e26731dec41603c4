package dev.vigil.alerts.outputs;

import dev.vigil.schemas.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-output throttling that never drops silently: at most {@code max} alerts pass one by one per
 * window; the rest are counted per alert type and cluster and {@link #due returned} as a digest when
 * the window ends. Not thread-safe: one delivery loop owns it.
 */
public final class Throttle {

  /** Alerts of one type and cluster held back in a window. */
  public record Held(String alertType, String cluster, long count) {
    /** "37 more K8S_ExecIntoPod alerts from cluster prod in the last 5 min". */
    public String describe(Duration window) {
      return count + " more " + alertType + " alert" + (count == 1 ? "" : "s") + " from cluster " + cluster
          + " in the last " + human(window);
    }
  }

  private final int max;
  private final Duration window;
  private Instant windowStart;
  private int passed;
  private final Map<String, Held> held = new TreeMap<>();

  public Throttle(int max, Duration window) {
    if (max < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a throttle needs max >= 1 and a positive window");
    }
    this.max = max;
    this.window = window;
  }

  public Duration window() {
    return window;
  }

  /**
   * True when {@code alert} may be sent now; false when it is held back (and counted). Call {@link
   * #due} first so that an ended window is closed before the next one starts.
   */
  public boolean admit(Alert alert, Instant now) {
    if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
      if (!held.isEmpty()) {
        throw new IllegalStateException("the digest of the ended window has not been taken");
      }
      windowStart = now;
      passed = 0;
    }
    if (passed < max) {
      passed++;
      return true;
    }
    String key = alert.alertType() + "\u0000" + alert.cluster();
    Held before = held.get(key);
    held.put(key, new Held(alert.alertType(), alert.cluster(), before == null ? 1 : before.count() + 1));
    return false;
  }

  /** Whether anything is held back in the current window. */
  public boolean holding() {
    return !held.isEmpty();
  }

  /**
   * The digest of the window once it has ended and held something back (the window then closes), or
   * an empty list.
   */
  public List<Held> due(Instant now) {
    if (held.isEmpty() || now.isBefore(windowStart.plus(window))) {
      return List.of();
    }
    List<Held> digest = new ArrayList<>(held.values());
    held.clear();
    windowStart = null;
    return digest;
  }

  /** When the current window started, or null when none is open. */
  public Instant windowStart() {
    return windowStart;
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + " h";
    }
    if (s % 60 == 0) {
      return s / 60 + " min";
    }
    return s + " s";
  }
}
