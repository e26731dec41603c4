package dev.vigil.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The durable checkpoint of one tailed log: a small properties file replaced atomically (write a
 * temporary file, fsync, rename, fsync the directory), so a crash leaves either the old or the new
 * checkpoint, never a torn one.
 */
final class Checkpoint {
  private static final System.Logger log = System.getLogger(Checkpoint.class.getName());
  static final String FILE_NAME = "vigil-agent.checkpoint";

  /**
   * A saved position.
   *
   * @param tailedPath the live log the checkpoint belongs to
   * @param savedAtMs when it was saved; a checkpointed file that vanished is replaced by the rotated
   *     files modified after this time
   */
  record Saved(Path tailedPath, Position position, long savedAtMs) {}

  private final Path file;
  private final Path tailedPath;

  Checkpoint(Path stateDir, Path tailedPath) {
    this.file = stateDir.resolve(FILE_NAME);
    this.tailedPath = tailedPath.toAbsolutePath().normalize();
  }

  Path file() {
    return file;
  }

  /** The saved position, or empty when there is none or it belongs to another log. */
  Optional<Saved> load() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + file, e);
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
      Path tailed = Path.of(p.getProperty("tailed.path"));
      if (!tailed.equals(tailedPath)) {
        log.log(
            System.Logger.Level.WARNING,
            "checkpoint {0} belongs to {1}, not {2}: starting without it",
            file,
            tailed,
            tailedPath);
        return Optional.empty();
      }
      Position position =
          new Position(
              p.getProperty("file.key"),
              Path.of(p.getProperty("file.path")),
              Long.parseLong(p.getProperty("offset")),
              Integer.parseInt(p.getProperty("head.length")),
              p.getProperty("head.sha256"));
      return Optional.of(new Saved(tailed, position, Long.parseLong(p.getProperty("saved.at.ms"))));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "the checkpoint "
              + file
              + " is unreadable ("
              + e
              + "); delete it to start again from the beginning of the live log",
          e);
    }
  }

  /** Replaces the checkpoint durably. */
  void save(Position position) throws IOException {
    Properties p = new Properties();
    p.setProperty("tailed.path", tailedPath.toString());
    p.setProperty("file.key", position.fileKey());
    p.setProperty("file.path", position.path().toString());
    p.setProperty("offset", Long.toString(position.offset()));
    p.setProperty("head.length", Integer.toString(position.headLength()));
    p.setProperty("head.sha256", position.headHash());
    p.setProperty("saved.at.ms", Long.toString(System.currentTimeMillis()));
    StringWriter text = new StringWriter();
    p.store(text, "vigil agent checkpoint: written only after the gateway acknowledged");
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(file.getParent());
  }

  /** Makes the rename durable; not every platform can open a directory, which is then skipped. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory; its rename is durable through the journal anyway.
    }
  }
}
