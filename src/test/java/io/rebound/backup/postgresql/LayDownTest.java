package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.runbook.DetachedWork.Beat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory copied by a backup and laid down again is checked file by file against the backup's list. */
class LayDownTest {

  @TempDir Path directory;

  @Test
  void shouldCopyWhatPostgresqlNeedsAndLeaveOutWhatItRebuilds() throws Exception {
    Path data = dataDirectory();

    FileList list = copy(data, "full", null);

    assertThat(list.files()).containsOnlyKeys("PG_VERSION", "base/1/1259", "base/1/2608", "global/pg_control", "postgresql.auto.conf");
    assertThat(list.directories()).contains("pg_wal", "pg_stat_tmp", "base", "base/1", "global").doesNotContain("base/pgsql_tmp");
    assertThat(tarEntries(directory.resolve("full"))).endsWith("global/pg_control");
  }

  @Test
  void shouldCopyOnlyChangedFilesOverAParentButListThemAll() throws Exception {
    Path data = dataDirectory();
    FileList full = copy(data, "full", null);
    Files.writeString(data.resolve("base/1/2608"), "changed relation");
    Files.writeString(data.resolve("base/1/3000"), "new relation");
    Files.delete(data.resolve("base/1/1259"));

    FileList incremental = copy(data, "incremental", full);

    assertThat(tarEntries(directory.resolve("incremental"))).containsExactlyInAnyOrder("base/1/2608", "base/1/3000", "global/pg_control")
        .as("directories are always written").isNotEmpty();
    assertThat(incremental.files()).containsOnlyKeys("PG_VERSION", "base/1/2608", "base/1/3000", "global/pg_control",
        "postgresql.auto.conf");
    assertThat(incremental.file("PG_VERSION")).isEqualTo(full.file("PG_VERSION"));
  }

  @Test
  void shouldLayDownTheLayersAndRemoveWhatTheLastListNoLongerNames() throws Exception {
    Path data = dataDirectory();
    FileList full = copy(data, "full", null);
    Files.writeString(data.resolve("base/1/2608"), "changed relation");
    Files.delete(data.resolve("base/1/1259"));
    FileList incremental = copy(data, "incremental", full);

    Path restored = layDown("full", "incremental");
    PhysicalRestore.conform(restored, incremental, "incremental");

    assertThat(restored.resolve("base/1/1259")).doesNotExist();
    assertThat(restored.resolve("base/1/2608")).hasContent("changed relation");
    assertThat(restored.resolve("PG_VERSION")).hasContent("15");
    assertThat(restored.resolve("pg_wal")).isEmptyDirectory();
    assertThat(restored.resolve("postmaster.pid")).doesNotExist();
  }

  @Test
  void shouldRefuseAFileChangedOnDiskAfterTheBackupByItsChecksum() throws Exception {
    Path data = dataDirectory();
    FileList full = copy(data, "full", null);
    Path restored = layDown("full");
    Files.writeString(restored.resolve("base/1/2608"), "relation bytez");

    assertThatThrownBy(() -> PhysicalRestore.conform(restored, full, "full")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not match the file list of backup full")
        .hasMessageContaining("base/1/2608 has SHA-256 ").hasMessageContaining("not " + full.file("base/1/2608").orElseThrow().sha256());
  }

  @Test
  void shouldRefuseAMissingOrResizedFile() throws Exception {
    Path data = dataDirectory();
    FileList full = copy(data, "full", null);
    Path restored = layDown("full");
    Files.delete(restored.resolve("PG_VERSION"));
    Files.writeString(restored.resolve("base/1/2608"), "relation bytes and more");

    assertThatThrownBy(() -> PhysicalRestore.conform(restored, full, "full")).hasMessageContaining("PG_VERSION is missing")
        .hasMessageContaining("base/1/2608 has 23 bytes, not 14");
  }

  @Test
  void shouldRefuseATablespaceOrAnUnexpectedLink() throws Exception {
    Path data = dataDirectory();
    Files.createDirectories(data.resolve("pg_tblspc"));
    Files.createSymbolicLink(data.resolve("pg_tblspc/16500"), directory);

    assertThatThrownBy(() -> copy(data, "full", null)).hasMessageContaining("backups of tablespaces are not supported");
  }

  @Test
  void shouldBackUpTheDirectoryOfAWalDirectoryOnAnotherDisk() throws Exception {
    Path data = dataDirectory();
    Path wal = Files.createDirectory(directory.resolve("wal-disk"));
    Files.writeString(wal.resolve("000000010000000000000001"), "wal");
    PhysicalRestore.delete(data.resolve("pg_wal"));
    Files.createSymbolicLink(data.resolve("pg_wal"), wal);

    FileList list = copy(data, "full", null);

    assertThat(list.directories()).contains("pg_wal");
    assertThat(list.files()).doesNotContainKey("pg_wal/000000010000000000000001");
  }

  private Path dataDirectory() throws Exception {
    Path data = directory.resolve("data");
    Files.createDirectories(data.resolve("base/1"));
    Files.createDirectories(data.resolve("base/pgsql_tmp"));
    Files.createDirectories(data.resolve("global"));
    Files.createDirectories(data.resolve("pg_wal/archive_status"));
    Files.createDirectories(data.resolve("pg_stat_tmp"));
    Files.writeString(data.resolve("PG_VERSION"), "15");
    Files.writeString(data.resolve("base/1/1259"), "catalog");
    Files.writeString(data.resolve("base/1/2608"), "relation bytes");
    Files.writeString(data.resolve("base/pgsql_tmp/pgsql_tmp1.0"), "sort");
    Files.writeString(data.resolve("global/pg_control"), "control");
    Files.writeString(data.resolve("global/pg_internal.init"), "cache");
    Files.writeString(data.resolve("pg_wal/000000010000000000000001"), "wal");
    Files.writeString(data.resolve("pg_stat_tmp/global.stat"), "stats");
    Files.writeString(data.resolve("postmaster.pid"), "4242");
    Files.writeString(data.resolve("postgresql.auto.conf"), "");
    return data;
  }

  private FileList copy(Path data, String name, FileList parent) throws Exception {
    return BaseBackup.copy(data, directory.resolve(name), parent, new QuietBeat(directory)).list();
  }

  private Path layDown(String... layers) throws Exception {
    Path restored = Files.createDirectories(directory.resolve("restored"));
    for (String layer : layers) {
      Tar.extract(directory.resolve(layer).resolve(BaseBackup.TAR), restored, (path, isDirectory) -> {});
    }
    return restored;
  }

  private static List<String> tarEntries(Path pieces) throws Exception {
    List<String> files = new ArrayList<>();
    Path scratch = Files.createTempDirectory(pieces, "entries");
    Tar.extract(pieces.resolve(BaseBackup.TAR), scratch, (path, isDirectory) -> {
      if (!isDirectory) {
        files.add(path);
      }
    });
    return files;
  }

  /** A beat for work run outside a job. */
  record QuietBeat(Path directory) implements Beat {
    @Override
    public void progress(String text) {}

    @Override
    public void check() {}
  }
}
