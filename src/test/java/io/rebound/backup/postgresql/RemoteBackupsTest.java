package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.Piece;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedWorkers;
import io.rebound.runbook.JobHost;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteBackupsTest {

  private static final long SEGMENT_SIZE = 16L * 1024 * 1024;

  @TempDir
  Path work;

  @Test
  void shouldTakeEverySegmentFromTheOneHoldingTheParentsEndToTheOneClosedNow() {
    assertThat(RemoteBackups.segments("0/2000100", "000000010000000000000004", 1, SEGMENT_SIZE))
        .containsExactly("000000010000000000000002", "000000010000000000000003", "000000010000000000000004");
    assertThat(RemoteBackups.segments("1/FF000100", "000000030000000200000001", 3, SEGMENT_SIZE))
        .as("across a log id").containsExactly("0000000300000001000000FF", "000000030000000200000000", "000000030000000200000001");
    assertThat(RemoteBackups.segments("0/5000000", "000000010000000000000004", 1, SEGMENT_SIZE))
        .as("nothing written since the parent: the segment closed last still").containsExactly("000000010000000000000004");
    assertThat(RemoteBackups.segments("0/4FFFFFF", "000000010000000000000004", 1, SEGMENT_SIZE)).containsExactly("000000010000000000000004");
    assertThatThrownBy(() -> RemoteBackups.segments("0/1", "not-a-segment", 1, SEGMENT_SIZE)).hasMessageContaining("not a segment");
  }

  @Test
  void shouldTellAWalIncrementalFromABackupWithADataDirectory() {
    assertThat(RemoteBackups.isWalOnly(backup(BackupType.INCREMENTAL, "000000010000000000000002", "00000002.history"))).isTrue();
    assertThat(RemoteBackups.isWalOnly(backup(BackupType.INCREMENTAL, "base.tar", "files.list", "backup_label"))).isFalse();
    assertThat(RemoteBackups.isWalOnly(backup(BackupType.INCREMENTAL, "000000010000000000000002", "backup_label"))).isFalse();
    assertThat(RemoteBackups.isWalOnly(backup(BackupType.FULL, "000000010000000000000002"))).isFalse();
    assertThat(RemoteBackups.isWalOnly(backup(BackupType.INCREMENTAL))).isFalse();
  }

  @Test
  void shouldRefuseALowLevelBackupWithoutADataDirectorySayingWhichMethodNeedsNone() {
    Target target = target(new TargetProperties.Backup(null, null, null, null, null, work, work.resolve("archive"), null, null, null,
        null, null));

    assertThatThrownBy(() -> physical().backup(target, new BackupRequest("j1", "b1", BackupType.FULL, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rebound.targets.pg.backup.data-directory is not set")
        .hasMessageContaining("backup.method: pg_basebackup");
    assertThat(work.resolve("j1")).doesNotExist();
  }

  @Test
  void shouldRefuseAWalIncrementalWithoutTheArchiveBeforeItsJobStarts() {
    Target target = target(new TargetProperties.Backup(null, null, null, null, null, work, null, null, null, null, null, null,
        TargetProperties.Backup.Method.PG_BASEBACKUP));
    BackupManifest parent = backup(BackupType.FULL, "base.tar", "files.list", "backup_label");

    assertThatThrownBy(() -> physical().backup(target, new BackupRequest("j2", "b2", BackupType.INCREMENTAL, parent)))
        .hasMessageContaining("rebound.targets.pg.backup.archive-directory is not set");
    assertThat(work.resolve("j2")).doesNotExist();
  }

  private PostgresPhysicalBackups physical() {
    return new PostgresPhysicalBackups(work, new DetachedJobs(new JobHost("node-a", "", Duration.ofMillis(200), Duration.ofSeconds(10)), new DetachedWorkers()), () -> null);
  }

  private Target target(TargetProperties.Backup backup) {
    TargetProperties properties = new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://localhost:1/none", "postgres", null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, backup);
    return new Targets(new ReboundProperties(Map.of("pg", properties), Map.of(), work, null)).get("pg");
  }

  private static BackupManifest backup(BackupType type, String... pieces) {
    List<Piece> list = java.util.Arrays.stream(pieces).map(name -> new Piece(name, "k/" + name, 1, "0".repeat(64))).toList();
    return new BackupManifest("p1", "pg", Dialect.POSTGRESQL, type, type == BackupType.FULL ? null : "p0", 1, "7", Instant.EPOCH,
        Instant.EPOCH, "0/1", "0/2", list);
  }
}
