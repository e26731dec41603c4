package dev.vigil.agent;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads complete lines from a live log that is rotated, by rename-and-create (kube-apiserver's own
 * rotation, logrotate's default) or by copy-truncate (logrotate {@code copytruncate}).
 *
 * <p>A file is followed by its identity ({@code fileKey}), not its name: when the live name points at
 * a new file, the old one is read to its end under whatever name it has now, then the new one from its
 * start. When the live file shrinks, or its first bytes change, it was truncated: the rest of what was
 * read is looked for in the copy (the sibling whose first bytes match), then the live file is read from
 * its start. On {@link #start} with a saved position, rotated files the agent missed while it was down
 * are read first, oldest first.
 *
 * <p>Memory is bounded by the read buffer and one line; a line longer than the limit is skipped to its
 * end and reported. Only lines ending in a newline are handed on from the live file; a rotated file's
 * unterminated last line is handed on once the file is finished. Not thread-safe.
 */
final class LogFollower implements Closeable {
  private static final System.Logger log = System.getLogger(LogFollower.class.getName());
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final List<String> COMPRESSED = List.of(".gz", ".zip", ".bz2", ".xz", ".zst");

  /** One line without its line break, and the position just after it. */
  /**
   * One complete line.
   *
   * @param history read from a rotated file on the first run ({@link #startWithHistory}): history,
   *     sent as backfill
   */
  record Line(byte[] bytes, Position after, boolean history) {}

  private record Pending(Path path, String key, long start, boolean history) {}

  private record Candidate(Path path, String key, long modifiedMs, long size) {}

  private final Path livePath;
  private final Path dir;
  private final String stem;
  private final int maxLineBytes;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES).limit(0);
  private byte[] line = new byte[4096];
  private int lineLength;
  private boolean skipping;
  private long skippedLines;

  private FileChannel channel;
  private String key;
  private Path currentPath;
  private boolean live;
  /** Whether the file being read is history of the first run. */
  private boolean history;
  private long liveStart;
  /** Offset just after the last line handed on or skipped. */
  private long consumed;
  /** Offset of the next byte in {@link #buffer}. */
  private long readPos;
  private byte[] head = new byte[0];
  private boolean idle;
  private int hashedLength = -1;
  private String hashedHead;

  LogFollower(Path livePath, int maxLineBytes) {
    this.livePath = livePath.toAbsolutePath().normalize();
    this.dir = this.livePath.getParent();
    String name = this.livePath.getFileName().toString();
    int dot = name.lastIndexOf('.');
    this.stem = dot > 0 ? name.substring(0, dot) : name;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Decides where to begin: without a saved position, at the start of the live file; with one, in the
   * file it names (wherever rotation moved it), followed by every file rotated after it.
   */
  void start(Optional<Checkpoint.Saved> saved) throws IOException {
    pending.clear();
    liveStart = 0;
    if (saved.isEmpty()) {
      return;
    }
    Position p = saved.get().position();
    List<Candidate> rotated = rotatedFiles();
    String liveKey = keyOf(livePath);
    if (p.fileKey().equals(liveKey)) {
      long size = Files.size(livePath);
      if (size >= p.offset() && headMatches(livePath, p)) {
        liveStart = p.offset();
      } else {
        log.log(
            System.Logger.Level.WARNING,
            "{0} was truncated while the agent was stopped (copy-truncate rotation)",
            livePath);
        copyOf(rotated, p).ifPresent(c -> pending.add(new Pending(c.path(), c.key(), p.offset(), false)));
      }
      return;
    }
    int at = -1;
    for (int i = 0; i < rotated.size(); i++) {
      Candidate c = rotated.get(i);
      if (c.key().equals(p.fileKey()) && c.size() >= p.offset() && headMatches(c.path(), p)) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      pending.add(new Pending(rotated.get(at).path(), rotated.get(at).key(), p.offset(), false));
      for (Candidate c : rotated.subList(at + 1, rotated.size())) {
        pending.add(new Pending(c.path(), c.key(), 0, false));
      }
      log.log(
          System.Logger.Level.INFO,
          "resuming in {0} at offset {1}, then {2} rotated file(s) and {3}",
          rotated.get(at).path(),
          p.offset(),
          rotated.size() - at - 1,
          livePath);
      return;
    }
    // The checkpointed file is gone (deleted by log retention): read what was rotated since.
    long since = saved.get().savedAtMs() - 60_000;
    for (Candidate c : rotated) {
      if (c.modifiedMs() >= since) {
        pending.add(new Pending(c.path(), c.key(), 0, false));
      }
    }
    log.log(
        System.Logger.Level.WARNING,
        "the checkpointed file {0} no longer exists: lines after offset {1} that were not in a newer"
            + " file may be lost; reading {2} rotated file(s) modified since the checkpoint, then {3}",
        p.path(),
        p.offset(),
        pending.size(),
        livePath);
  }

  /**
   * Begins a first run (no saved position): every rotated file beside the live one, oldest first,
   * as history ({@link Line#history()}), then the live file from its start.
   */
  void startWithHistory() throws IOException {
    pending.clear();
    liveStart = 0;
    List<Candidate> rotated = rotatedFiles();
    for (Candidate c : rotated) {
      pending.add(new Pending(c.path(), c.key(), 0, true));
    }
    if (!rotated.isEmpty()) {
      log.log(
          System.Logger.Level.INFO,
          "first run: sending {0} rotated file(s) as history (backfill) before {1}",
          rotated.size(),
          livePath);
    }
  }

  /**
   * The next complete line, or null when none is available now (call again later).
   *
   * @throws IOException when a file cannot be read
   */
  Line next() throws IOException {
    while (true) {
      if (channel == null && !openNext()) {
        return null;
      }
      Line found = scan();
      if (found != null) {
        return found;
      }
      buffer.clear();
      int n = channel.read(buffer, readPos);
      buffer.flip();
      if (n > 0) {
        boolean resumed = idle;
        idle = false;
        // New bytes after a pause: a file truncated and written again past our offset in the
        // meantime shows a different head, and must not be read from the middle.
        if (resumed && live && head.length > 0
            && !Arrays.equals(readHead(channel, head.length), head)) {
          truncated();
          continue;
        }
        refreshHead();
        continue;
      }
      idle = true;
      if (!live) {
        Line last = finishFile();
        if (last != null) {
          return last;
        }
        continue;
      }
      switch (checkLive()) {
        case UNCHANGED:
          return null;
        case REPLACED:
          // Read the old file to its end (the open channel still reaches it), then the new one.
          log.log(
              System.Logger.Level.INFO, "{0} was rotated (renamed); finishing the old file", livePath);
          live = false;
          break;
        case TRUNCATED:
          truncated();
          break;
        default:
          throw new IllegalStateException();
      }
    }
  }

  /** The position of the file being read, opening the first file if needed; null when there is none. */
  Position current() throws IOException {
    if (channel == null && !openNext()) {
      return null;
    }
    return position();
  }

  /** Lines skipped because they were longer than the limit. */
  long skippedLines() {
    return skippedLines;
  }

  private enum LiveState {
    UNCHANGED,
    REPLACED,
    TRUNCATED
  }

  private LiveState checkLive() throws IOException {
    String now = keyOf(livePath);
    if (now == null) {
      return LiveState.UNCHANGED; // renamed and not yet created again: keep reading the old one
    }
    if (!now.equals(key)) {
      return LiveState.REPLACED;
    }
    if (channel.size() < readPos) {
      return LiveState.TRUNCATED;
    }
    if (head.length > 0 && !Arrays.equals(readHead(channel, head.length), head)) {
      return LiveState.TRUNCATED;
    }
    return LiveState.UNCHANGED;
  }

  private void truncated() throws IOException {
    Position was = position();
    Optional<Candidate> copy = head.length == 0 ? Optional.empty() : copyOf(rotatedFiles(), was);
    if (copy.isPresent()) {
      log.log(
          System.Logger.Level.INFO,
          "{0} was truncated (copy-truncate rotation); reading the rest from its copy {1}",
          livePath,
          copy.get().path());
      pending.add(new Pending(copy.get().path(), copy.get().key(), consumed, false));
    } else {
      log.log(
          System.Logger.Level.WARNING,
          "{0} was truncated and no copy of it was found: lines written after offset {1} and before"
              + " the truncation are lost",
          livePath,
          consumed);
    }
    closeCurrent();
    liveStart = 0;
  }

  /** Hands on a rotated file's unterminated last line, and closes the file. */
  private Line finishFile() throws IOException {
    Line last = null;
    if (lineLength > 0 && !skipping) {
      consumed = readPos;
      last = new Line(Arrays.copyOf(line, lineLength), position(), history);
    }
    closeCurrent();
    return last;
  }

  private Line scan() {
    byte[] bytes = buffer.array();
    while (buffer.hasRemaining()) {
      int start = buffer.position();
      int end = buffer.limit();
      int i = start;
      while (i < end && bytes[i] != '\n') {
        i++;
      }
      append(bytes, start, i - start);
      readPos += i - start;
      buffer.position(i);
      if (i == end) {
        return null;
      }
      buffer.get();
      readPos++;
      if (skipping) {
        skipping = false;
        skippedLines++;
        log.log(
            System.Logger.Level.WARNING,
            "skipped a line of {0} bytes at offset {1} of {2}: longer than the {3}-byte limit"
                + " (--max-line-bytes)",
            readPos - 1 - consumed,
            consumed,
            currentPath,
            maxLineBytes);
        consumed = readPos;
        lineLength = 0;
        continue;
      }
      int length = lineLength;
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      lineLength = 0;
      consumed = readPos;
      if (isBlank(line, length)) {
        continue;
      }
      return new Line(Arrays.copyOf(line, length), position(), history);
    }
    return null;
  }

  private void append(byte[] bytes, int from, int count) {
    if (skipping || count == 0) {
      return;
    }
    if (lineLength + count > maxLineBytes) {
      skipping = true;
      lineLength = 0;
      return;
    }
    if (lineLength + count > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + count)));
    }
    System.arraycopy(bytes, from, line, lineLength, count);
    lineLength += count;
  }

  private boolean openNext() throws IOException {
    while (!pending.isEmpty()) {
      Pending p = pending.poll();
      Path where = p.key().equals(keyOf(p.path())) ? p.path() : locate(p.key());
      if (where == null) {
        log.log(
            System.Logger.Level.WARNING,
            "rotated file {0} disappeared before it was read to its end: lines after offset {1} are"
                + " lost",
            p.path(),
            p.start());
        continue;
      }
      if (open(where, p.key(), false, p.start())) {
        history = p.history();
        return true;
      }
    }
    String liveKey = keyOf(livePath);
    if (liveKey == null) {
      return false;
    }
    long start = liveStart;
    liveStart = 0;
    history = false;
    return open(livePath, liveKey, true, start);
  }

  private boolean open(Path path, String expectedKey, boolean isLive, long start) throws IOException {
    FileChannel opened;
    try {
      opened = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!expectedKey.equals(keyOf(path))) {
      opened.close(); // renamed between the look and the open; the caller looks again
      return false;
    }
    long size = opened.size();
    if (start > size) {
      log.log(
          System.Logger.Level.WARNING,
          "{0} is shorter ({1} bytes) than the saved offset {2}: reading it from the start",
          path,
          size,
          start);
      start = 0;
    }
    channel = opened;
    key = expectedKey;
    currentPath = path;
    live = isLive;
    consumed = start;
    readPos = start;
    lineLength = 0;
    skipping = false;
    buffer.clear().limit(0);
    idle = false;
    head = readHead(channel, Position.HEAD_BYTES);
    hashedLength = -1;
    return true;
  }

  private void closeCurrent() throws IOException {
    if (channel != null) {
      channel.close();
    }
    channel = null;
    lineLength = 0;
    skipping = false;
    buffer.clear().limit(0);
  }

  private void refreshHead() throws IOException {
    if (head.length < Position.HEAD_BYTES && readPos > head.length) {
      head = readHead(channel, Position.HEAD_BYTES);
    }
  }

  private Position position() {
    int length = (int) Math.min(head.length, consumed);
    if (length != hashedLength) {
      hashedHead = sha256(head, length);
      hashedLength = length;
    }
    return new Position(key, currentPath, consumed, length, hashedHead);
  }

  /** The newest rotated file whose first bytes are those of {@code p} and that reaches its offset. */
  private Optional<Candidate> copyOf(List<Candidate> rotated, Position p) throws IOException {
    for (int i = rotated.size() - 1; i >= 0; i--) {
      Candidate c = rotated.get(i);
      if (!c.key().equals(p.fileKey()) && c.size() >= p.offset() && p.headLength() > 0
          && headMatches(c.path(), p)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private Path locate(String fileKey) throws IOException {
    for (Candidate c : rotatedFiles()) {
      if (c.key().equals(fileKey)) {
        return c.path();
      }
    }
    return null;
  }

  /**
   * Files beside the live one whose name starts with its stem ({@code audit-2024-05-01T10-00-00.000.log}
   * of kube-apiserver, {@code audit.log.1} of logrotate), uncompressed, oldest first.
   */
  private List<Candidate> rotatedFiles() throws IOException {
    List<Candidate> found = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, stem + "*")) {
      for (Path f : files) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (f.equals(livePath) || COMPRESSED.stream().anyMatch(name::endsWith)) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            found.add(new Candidate(f, keyOf(a), a.lastModifiedTime().toMillis(), a.size()));
          }
        } catch (NoSuchFileException e) {
          // removed while listing
        }
      }
    }
    found.sort(
        Comparator.comparingLong(Candidate::modifiedMs)
            .thenComparing(c -> c.path().getFileName().toString()));
    return found;
  }

  private static boolean headMatches(Path file, Position p) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] bytes = readHead(c, p.headLength());
      return bytes.length == p.headLength() && sha256(bytes, bytes.length).equals(p.headHash());
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static byte[] readHead(FileChannel c, int max) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, c.size()));
    while (b.hasRemaining()) {
      if (c.read(b, b.position()) <= 0) {
        break;
      }
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  static String keyOf(Path path) throws IOException {
    try {
      return keyOf(Files.readAttributes(path, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The device and inode on Unix; where the platform has no file key, the creation time. */
  private static String keyOf(BasicFileAttributes attributes) {
    Object fileKey = attributes.fileKey();
    return fileKey != null ? fileKey.toString() : "created:" + attributes.creationTime().toMillis();
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    closeCurrent();
  }
}
