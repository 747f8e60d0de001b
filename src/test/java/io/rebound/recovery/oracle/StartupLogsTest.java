package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triage's instance starts leave one directory each; the old ones go, the recent ones and everything else stay. */
class StartupLogsTest {

  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir
  Path recovery;

  @Test
  void shouldRemoveOnlyStartDirectoriesOlderThanAWeek() throws IOException {
    Path old = start(NOW.minus(Duration.ofDays(8)));
    Files.createDirectories(old.resolve("nested"));
    Files.writeString(old.resolve("nested").resolve("log"), "RMAN> STARTUP MOUNT;");
    Path justKept = start(NOW.minus(OracleMediaRecovery.STARTUP_LOGS_KEPT).plusSeconds(1));
    Path recent = start(NOW.minus(Duration.ofHours(1)));
    Path job = Files.createDirectories(recovery.resolve("r77-recovery"));
    Path notAStart = Files.createDirectories(recovery.resolve("startup-old"));
    Path file = Files.writeString(recovery.resolve("startup-1"), "a file, not a start's directory");

    assertThat(OracleMediaRecovery.pruneStartups(recovery, NOW)).isEqualTo(1);

    assertThat(old).doesNotExist();
    assertThat(justKept).exists();
    assertThat(recent).exists();
    assertThat(job).exists();
    assertThat(notAStart).exists();
    assertThat(file).exists();
  }

  @Test
  void shouldDoNothingWithoutARecoveryDirectory() {
    assertThat(OracleMediaRecovery.pruneStartups(recovery.resolve("absent"), NOW)).isZero();
  }

  private Path start(Instant at) throws IOException {
    Path directory = Files.createDirectories(recovery.resolve("startup-" + at.toEpochMilli()));
    Files.writeString(directory.resolve("log"), "RMAN log");
    return directory;
  }
}
