package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobDirectoryTest {

  @TempDir
  Path root;

  @Test
  void shouldCountTheHighestStartTakenAndNoneWithoutADirectory() throws IOException {
    JobDirectory job = new JobDirectory(root.resolve("job"));
    assertThat(job.attempts()).as("no directory yet").isZero();

    Files.createDirectories(job.path());
    assertThat(job.attempts()).isZero();
    Files.writeString(job.resolve("start-1"), "a");
    Files.writeString(job.resolve("start-3"), "b");
    Files.writeString(job.resolve("start-x"), "not a start");
    Files.writeString(job.resolve("restart-9"), "not a start");
    assertThat(job.attempts()).isEqualTo(3);
  }

  @Test
  void shouldLetOnlyOneTakeAStartAndKeepTheFirstLocksContent() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));

    assertThat(job.lock(1, "node-a")).isTrue();
    assertThat(job.lock(1, "node-b")).isFalse();
    assertThat(job.read("start-1")).isEqualTo("node-a");
    assertThat(job.lock(2, "node-b")).isTrue();
    try (var files = Files.list(job.path())) {
      assertThat(files.map(f -> f.getFileName().toString())).as("no temporary lock left behind").containsExactlyInAnyOrder("start-1", "start-2");
    }
  }

  @Test
  void shouldWriteWholeAndReadNothingForAnAbsentFile() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));
    assertThat(job.read("exit")).isNull();

    job.writeAtomically("exit", "0");
    job.writeAtomically("exit", "1");
    assertThat(job.read("exit")).isEqualTo("1");
    try (var files = Files.list(job.path())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("exit");
    }
  }

  @Test
  void shouldFailToReadWhatIsNotAFile() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));
    Files.createDirectories(job.resolve("pid"));
    assertThatThrownBy(() -> job.read("pid")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void shouldTellTheNewestWriteOfTheFilesNamedAndTheEpochWhenNoneExists() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));
    assertThat(job.newestWrite("heartbeat", "pid")).isEqualTo(Instant.EPOCH);

    Instant older = Instant.parse("2026-01-01T00:00:00Z");
    Instant newer = Instant.parse("2026-01-02T00:00:00Z");
    Files.setLastModifiedTime(Files.writeString(job.resolve("pid"), "p"), FileTime.from(older));
    Files.setLastModifiedTime(Files.writeString(job.resolve("heartbeat"), "h"), FileTime.from(newer));
    Files.setLastModifiedTime(Files.writeString(job.resolve("other"), "o"), FileTime.from(Instant.parse("2027-01-01T00:00:00Z")));
    assertThat(job.newestWrite("pid", "heartbeat", "start-1")).isEqualTo(newer);
    assertThat(job.newestWrite("pid")).isEqualTo(older);
  }

  @Test
  void shouldReadTheFileSystemsClockAndLeaveNoProbe() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));
    Instant before = Instant.now().minusSeconds(5);
    assertThat(job.now()).isBetween(before, Instant.now().plusSeconds(5));
    try (var files = Files.list(job.path())) {
      assertThat(files).isEmpty();
    }
    JobDirectory missing = new JobDirectory(root.resolve("missing"));
    assertThatThrownBy(missing::now).isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write in");
  }

  @Test
  void shouldMoveTheDirectoryAsideWithItsFiles() throws IOException {
    JobDirectory job = new JobDirectory(Files.createDirectories(root.resolve("job")));
    Files.writeString(job.resolve("log"), "what happened");

    Path aside = job.moveAside();
    assertThat(job.path()).doesNotExist();
    assertThat(aside.getFileName().toString()).startsWith("job.failed-");
    assertThat(aside.getParent()).isEqualTo(root);
    assertThat(aside.resolve("log")).hasContent("what happened");
    assertThatThrownBy(job::moveAside).isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot move");
  }
}
