package dev.vigil.app;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs request failures at most once per cause and interval, so that a client (anonymous or not)
 * repeating a bad request cannot flood the log. A cause is the exception's class and the place it was
 * thrown; what a client's own request caused (a malformed URI, a bad header) is logged at WARN without
 * a stack trace, a server fault at ERROR with its stack trace the first time.
 */
final class ErrorLog {
  /** Distinct causes remembered; beyond it the memory starts over, which only repeats a line. */
  static final int MAX_CAUSES = 1024;

  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentMap<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

  ErrorLog(Logger log, java.time.Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** A request failed because of what the client sent: a WARN line without stack trace, rate-limited. */
  void clientError(String what, Throwable cause) {
    String key = key(cause, "client");
    if (admit(key)) {
      log.warn("{}: {} (logged once per {} s per cause; {} more since the last line)", what,
          describe(cause), intervalNanos / 1_000_000_000L, takeSuppressed(key));
    }
  }

  /** A request failed in the server: ERROR with the stack trace, rate-limited per cause. */
  void serverError(String what, Throwable cause) {
    String key = key(cause, "server");
    if (admit(key)) {
      long more = takeSuppressed(key);
      if (cause == null) {
        log.error("{} ({} more since the last line)", what, more);
      } else {
        log.error("{} ({} more since the last line)", what, more, cause);
      }
    }
  }

  private boolean admit(String key) {
    if (lastLogged.size() >= MAX_CAUSES) {
      lastLogged.clear();
      suppressed.clear();
    }
    long now = System.nanoTime();
    AtomicLong last = lastLogged.computeIfAbsent(key, k -> new AtomicLong(now - intervalNanos));
    long previous = last.get();
    if (now - previous >= intervalNanos && last.compareAndSet(previous, now)) {
      return true;
    }
    suppressed.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    return false;
  }

  private long takeSuppressed(String key) {
    AtomicLong count = suppressed.get(key);
    return count == null ? 0 : count.getAndSet(0);
  }

  private static String key(Throwable cause, String kind) {
    if (cause == null) {
      return kind;
    }
    StackTraceElement[] trace = cause.getStackTrace();
    return kind + ' ' + cause.getClass().getName() + (trace.length == 0 ? "" : " " + trace[0]);
  }

  /** The exception's class and message, cut short: a client's input never fills the log. */
  static String describe(Throwable cause) {
    if (cause == null) {
      return "no cause";
    }
    String message = oneLine(cause.getMessage());
    return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  /** {@code text} cut to 200 characters, control characters replaced: one log line whatever a client sent. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return cut.replaceAll("[\\p{Cntrl}\u0080-\u009f]", "?");
  }
}
