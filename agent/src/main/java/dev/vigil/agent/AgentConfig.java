package dev.vigil.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The configuration of one agent: where to send, what to tail, where to keep the checkpoint, and how
 * to batch. {@link #parse} reads it from command-line flags; {@link #usage()} documents them.
 *
 * @param server base URL of the Vigil gateway, e.g. {@code https://vigil.example:8443}
 * @param tokenFile file holding the cluster's ingest token; re-read when the gateway answers 401, so a
 *     rotated Kubernetes Secret is picked up
 * @param caFile PEM certificate(s) to trust, or null for the JDK's trust store
 * @param path the live audit log
 * @param stateDir where the checkpoint is kept
 * @param maxBatchBytes a batch is sent when its lines reach this many bytes (before gzip)
 * @param maxBatchLines a batch is sent when it holds this many lines
 * @param maxBatchWait a batch is sent at the latest this long after its first line was read
 * @param maxLineBytes longer lines are reported and skipped (the gateway refuses larger events)
 * @param pollInterval how often an idle agent looks for new lines and rotation
 * @param initialBackoff first retry delay after a failed send
 * @param maxBackoff largest retry delay
 * @param requestTimeout how long one HTTP request may take
 */
public record AgentConfig(
    URI server,
    Path tokenFile,
    Path caFile,
    Path path,
    Path stateDir,
    int maxBatchBytes,
    int maxBatchLines,
    Duration maxBatchWait,
    int maxLineBytes,
    Duration pollInterval,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration requestTimeout) {

  /** Where kube-apiserver writes its audit log in kubeadm clusters. */
  public static final Path DEFAULT_PATH = Path.of("/var/log/kube-apiserver/audit.log");

  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/vigil-agent");
  static final int DEFAULT_MAX_BATCH_BYTES = 2 * 1024 * 1024;
  static final int DEFAULT_MAX_BATCH_LINES = 1000;
  static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.ofSeconds(1);
  /** The gateway's limit for one event. */
  static final int DEFAULT_MAX_LINE_BYTES = 1_000_000;
  static final Duration DEFAULT_POLL = Duration.ofMillis(250);
  static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  public AgentConfig {
    if (server == null) {
      throw new IllegalArgumentException("--server is required: the Vigil URL, e.g. https://vigil.example:8443");
    }
    String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "--server " + server + " is not an http(s) URL: use e.g. https://vigil.example:8443");
    }
    if (tokenFile == null) {
      throw new IllegalArgumentException(
          "--token-file is required: the file holding the cluster's ingest token (vigil cluster add prints it)");
    }
    if (path == null || stateDir == null) {
      throw new IllegalArgumentException("--path and --state-dir must not be empty");
    }
    positive("--max-batch-bytes", maxBatchBytes);
    positive("--max-batch-lines", maxBatchLines);
    positive("--max-line-bytes", maxLineBytes);
    positive("--max-batch-wait", maxBatchWait);
    positive("--poll-interval", pollInterval);
    positive("--initial-backoff", initialBackoff);
    positive("--max-backoff", maxBackoff);
    positive("--request-timeout", requestTimeout);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("--max-backoff must not be smaller than --initial-backoff");
    }
  }

  /** The defaults for everything but the server and token file. */
  public static AgentConfig of(URI server, Path tokenFile) {
    return new AgentConfig(
        server,
        tokenFile,
        null,
        DEFAULT_PATH,
        DEFAULT_STATE_DIR,
        DEFAULT_MAX_BATCH_BYTES,
        DEFAULT_MAX_BATCH_LINES,
        DEFAULT_MAX_BATCH_WAIT,
        DEFAULT_MAX_LINE_BYTES,
        DEFAULT_POLL,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /** The URL audit batches are posted to. */
  URI endpoint() {
    String base = server.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/audit");
  }

  /**
   * Reads flags {@code --name value} or {@code --name=value}.
   *
   * @throws IllegalArgumentException naming the flag that is unknown, missing its value or invalid
   */
  public static AgentConfig parse(String... args) {
    URI server = null;
    Path tokenFile = null;
    Path caFile = null;
    Path path = DEFAULT_PATH;
    Path stateDir = DEFAULT_STATE_DIR;
    int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    int maxBatchLines = DEFAULT_MAX_BATCH_LINES;
    Duration maxBatchWait = DEFAULT_MAX_BATCH_WAIT;
    int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
    Duration poll = DEFAULT_POLL;
    Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value;
      int eq = flag.indexOf('=');
      if (flag.startsWith("--") && eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value; see --help");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--server" -> server = uri(flag, value);
        case "--token-file" -> tokenFile = Path.of(value);
        case "--ca-file" -> caFile = Path.of(value);
        case "--path" -> path = Path.of(value);
        case "--state-dir" -> stateDir = Path.of(value);
        case "--max-batch-bytes" -> maxBatchBytes = integer(flag, value);
        case "--max-batch-lines" -> maxBatchLines = integer(flag, value);
        case "--max-batch-wait" -> maxBatchWait = duration(flag, value);
        case "--max-line-bytes" -> maxLineBytes = integer(flag, value);
        case "--poll-interval" -> poll = duration(flag, value);
        case "--initial-backoff" -> initialBackoff = duration(flag, value);
        case "--max-backoff" -> maxBackoff = duration(flag, value);
        case "--request-timeout" -> requestTimeout = duration(flag, value);
        default -> throw new IllegalArgumentException("unknown option " + flag + "; see --help");
      }
    }
    return new AgentConfig(
        server,
        tokenFile,
        caFile,
        path,
        stateDir,
        maxBatchBytes,
        maxBatchLines,
        maxBatchWait,
        maxLineBytes,
        poll,
        initialBackoff,
        maxBackoff,
        requestTimeout);
  }

  /** The flags, for {@code --help}. */
  public static String usage() {
    return String.join(
        "\n",
        "Usage: vigil agent --server URL --token-file FILE [options]",
        "Tails a kube-apiserver audit log and ships it to Vigil, surviving rotation and restarts.",
        "",
        "  --server URL              Vigil gateway, e.g. https://vigil.example:8443 (required)",
        "  --token-file FILE         the cluster's ingest token (required)",
        "  --ca-file FILE            PEM certificate to trust (default: the JDK trust store)",
        "  --path FILE               audit log (default " + DEFAULT_PATH
            + "; AKS-engine: /var/log/kubeaudit/audit.log)",
        "  --state-dir DIR           checkpoint directory (default " + DEFAULT_STATE_DIR + ")",
        "  --max-batch-bytes N       send when a batch holds N bytes (default " + DEFAULT_MAX_BATCH_BYTES + ")",
        "  --max-batch-lines N       send when a batch holds N lines (default " + DEFAULT_MAX_BATCH_LINES + ")",
        "  --max-batch-wait D        send at most D after the first line (default 1s; e.g. 500ms, 2s, PT1S)",
        "  --max-line-bytes N        skip and report longer lines (default " + DEFAULT_MAX_LINE_BYTES + ")",
        "  --poll-interval D         idle poll for new lines and rotation (default 250ms)",
        "  --initial-backoff D       first retry delay (default 500ms)",
        "  --max-backoff D           largest retry delay (default 30s)",
        "  --request-timeout D       one HTTP request (default 30s)",
        "",
        "Exit status: 0 stopped, 2 bad configuration, 3 token refused (cluster removed or token revoked).");
  }

  private static URI uri(String flag, String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " '" + value + "' is not a URL: " + e.getMessage());
    }
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " '" + value + "' is not a whole number");
    }
  }

  /** Accepts {@code 250ms}, {@code 2s}, {@code 5m} or ISO-8601 {@code PT2S}. */
  static Duration duration(String flag, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        flag + " '" + value + "' is not a duration: use e.g. 250ms, 2s, 5m or PT2S");
  }

  private static void positive(String flag, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(flag + " must be positive, not " + value);
    }
  }

  private static void positive(String flag, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(flag + " must be a positive duration");
    }
  }
}
