package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {
  @TempDir Path dir;

  private Path live() {
    return dir.resolve("audit.log");
  }

  private void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void copyTruncate(Path copy) throws IOException {
    Files.copy(live(), copy);
    try (FileChannel c = FileChannel.open(live(), StandardOpenOption.WRITE)) {
      c.truncate(0);
    }
  }

  private final List<Position> positions = new ArrayList<>();

  private List<String> drain(LogFollower follower) throws IOException {
    List<String> lines = new ArrayList<>();
    for (LogFollower.Line line = follower.next(); line != null; line = follower.next()) {
      lines.add(new String(line.bytes(), StandardCharsets.UTF_8));
      positions.add(line.after());
    }
    return lines;
  }

  private Checkpoint.Saved saved(Position p) {
    return new Checkpoint.Saved(live(), p, System.currentTimeMillis());
  }

  @Test
  void handsOnOnlyCompleteLinesSkippingBlankOnesAndCarriageReturns() throws IOException {
    append(live(), "one\r\n\n  \ntwo\nthr");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).containsExactly("one", "two");
      append(live(), "ee\n");
      assertThat(drain(follower)).containsExactly("three");
      assertThat(positions.get(2).offset()).isEqualTo(Files.size(live()));
    }
  }

  @Test
  void skipsAndCountsALineLongerThanTheLimit() throws IOException {
    append(live(), "short\n" + "x".repeat(250) + "\nafter\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).containsExactly("short", "after");
      assertThat(follower.skippedLines()).isEqualTo(1);
    }
  }

  @Test
  void finishesARenamedFileBeforeReadingItsSuccessor() throws IOException {
    append(live(), "a1\na2\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).containsExactly("a1", "a2");
      append(live(), "a3\na4-unterminated");
      Files.move(live(), dir.resolve("audit-2025-01-01T00-00-00.000.log"));
      assertThat(drain(follower)).containsExactly("a3");
      append(live(), "b1\n");
      assertThat(drain(follower)).containsExactly("a4-unterminated", "b1");
    }
  }

  @Test
  void afterCopyTruncateReadsTheRestFromTheCopyThenTheLiveFileFromItsStart() throws IOException {
    append(live(), "{\"line\":1}\n{\"line\":2}\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).hasSize(2);
      append(live(), "{\"line\":3}\n");
      copyTruncate(dir.resolve("audit.log.1"));
      append(live(), "{\"line\":4}\n");
      assertThat(drain(follower)).containsExactly("{\"line\":3}", "{\"line\":4}");
    }
  }

  @Test
  void aTruncatedFileRewrittenPastTheOffsetIsReadFromItsStart() throws IOException {
    append(live(), "old-1\nold-2\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).containsExactly("old-1", "old-2");
      try (FileChannel c = FileChannel.open(live(), StandardOpenOption.WRITE)) {
        c.truncate(0);
      }
      append(live(), "new-line-1\nnew-line-2\n");
      assertThat(drain(follower)).containsExactly("new-line-1", "new-line-2");
    }
  }

  @Test
  void aRestartReadsTheRestOfTheCheckpointedFileAndEveryFileRotatedWhileDown() throws IOException {
    append(live(), "a1\na2\n");
    Position checkpoint;
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      assertThat(drain(follower)).containsExactly("a1", "a2");
      checkpoint = positions.get(0); // only a1 was acknowledged
    }
    append(live(), "a3\n");
    Files.move(live(), dir.resolve("audit-1.log"));
    append(live(), "b1\nb2\n");
    Files.move(live(), dir.resolve("audit-2.log"));
    append(live(), "c1\n");
    Files.writeString(dir.resolve("audit-0.log.gz"), "not read");

    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.of(saved(checkpoint)));
      assertThat(drain(follower)).containsExactly("a2", "a3", "b1", "b2", "c1");
    }
  }

  @Test
  void aRestartAfterCopyTruncateWhileDownReadsTheCopyFromTheCheckpoint() throws IOException {
    append(live(), "{\"n\":1}\n{\"n\":2}\n");
    Position checkpoint;
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      drain(follower);
      checkpoint = positions.get(1);
    }
    append(live(), "{\"n\":3}\n");
    copyTruncate(dir.resolve("audit.log.1"));
    append(live(), "{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n");

    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.of(saved(checkpoint)));
      assertThat(drain(follower)).containsExactly("{\"n\":3}", "{\"n\":4}", "{\"n\":5}", "{\"n\":6}");
    }
  }

  @Test
  void aRestartWithoutRotationResumesAtTheOffset() throws IOException {
    append(live(), "a1\na2\na3\n");
    Position checkpoint;
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      drain(follower);
      checkpoint = positions.get(1);
    }
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.of(saved(checkpoint)));
      assertThat(drain(follower)).containsExactly("a3");
    }
  }

  @Test
  void theCheckpointSurvivesARoundTripAndIgnoresAnotherLog() throws IOException {
    append(live(), "a1\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.empty());
      drain(follower);
    }
    Path state = dir.resolve("state");
    new Checkpoint(state, live()).save(positions.get(0));

    Checkpoint.Saved loaded = new Checkpoint(state, live()).load().orElseThrow();
    assertThat(loaded.position()).isEqualTo(positions.get(0));
    assertThat(new Checkpoint(state, dir.resolve("other.log")).load()).isEmpty();
    assertThat(Files.list(state).map(p -> p.getFileName().toString()))
        .containsExactly(Checkpoint.FILE_NAME);
  }

  @Test
  void aFirstRunWithHistoryReadsRotatedFilesOldestFirstAsHistoryThenTheLiveFile() throws IOException {
    Path older = dir.resolve("audit-2025-01-01T00-00-00.000.log");
    Path newer = dir.resolve("audit-2025-01-02T00-00-00.000.log");
    append(older, "day1-a\nday1-b\n");
    append(newer, "day2-a\n");
    older.toFile().setLastModified(1_000_000L);
    newer.toFile().setLastModified(2_000_000L);
    append(live(), "live-a\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.startWithHistory();
      List<String> lines = new ArrayList<>();
      List<Boolean> history = new ArrayList<>();
      for (LogFollower.Line line = follower.next(); line != null; line = follower.next()) {
        lines.add(new String(line.bytes(), StandardCharsets.UTF_8));
        history.add(line.history());
      }
      assertThat(lines).containsExactly("day1-a", "day1-b", "day2-a", "live-a");
      assertThat(history).containsExactly(true, true, true, false);
    }
  }

  @Test
  void aRestartReadsNoHistoryAgain() throws IOException {
    append(dir.resolve("audit-2025-01-01T00-00-00.000.log"), "old\n");
    append(live(), "live-a\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.startWithHistory();
      assertThat(drain(follower)).containsExactly("old", "live-a");
    }
    append(live(), "live-b\n");
    try (LogFollower follower = new LogFollower(live(), 100)) {
      follower.start(Optional.of(saved(positions.get(positions.size() - 1))));
      assertThat(drain(follower)).containsExactly("live-b");
    }
  }
}
