package io.rebound.backup.postgresql;

import static io.rebound.backup.postgresql.DataDirectoryRules.Decision.COPY;
import static io.rebound.backup.postgresql.DataDirectoryRules.Decision.KEEP_EMPTY;
import static io.rebound.backup.postgresql.DataDirectoryRules.Decision.SKIP;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DataDirectoryRulesTest {

  @Test
  void shouldKeepTheDirectoriesThePostgresDocumentationSaysToEmpty() {
    for (String directory : new String[] {"pg_wal", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp",
        "pg_subtrans", "pg_replslot"}) {
      assertThat(DataDirectoryRules.decide(directory, true)).as(directory).isEqualTo(KEEP_EMPTY);
      assertThat(DataDirectoryRules.decide(directory + "/000000010000000000000001", false)).as(directory).isEqualTo(SKIP);
      assertThat(DataDirectoryRules.decide(directory + "/archive_status", true)).as(directory).isEqualTo(SKIP);
    }
    assertThat(DataDirectoryRules.decide("base/pg_wal", true)).as("only at the top").isEqualTo(COPY);
    assertThat(DataDirectoryRules.decide("pg_wal", false)).isEqualTo(COPY);
  }

  @Test
  void shouldSkipRuntimeAndRestoreFilesAtTheTopOnly() {
    for (String file : new String[] {"postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old", "tablespace_map",
        "tablespace_map.old", "recovery.signal", "standby.signal", "backup_manifest"}) {
      assertThat(DataDirectoryRules.decide(file, false)).as(file).isEqualTo(SKIP);
      assertThat(DataDirectoryRules.decide("base/" + file, false)).as(file).isEqualTo(COPY);
      assertThat(DataDirectoryRules.decide(file, true)).as(file).isEqualTo(COPY);
    }
  }

  @Test
  void shouldSkipTemporaryFilesAndRelcacheInitFilesAnywhere() {
    assertThat(DataDirectoryRules.decide("base/pgsql_tmp", true)).isEqualTo(SKIP);
    assertThat(DataDirectoryRules.decide("base/16384/pgsql_tmp123.4", false)).isEqualTo(SKIP);
    assertThat(DataDirectoryRules.decide("global/pg_internal.init", false)).isEqualTo(SKIP);
    assertThat(DataDirectoryRules.decide("base/16384/pg_internal.init", false)).isEqualTo(SKIP);
    assertThat(DataDirectoryRules.decide("base/16384/2608", false)).isEqualTo(COPY);
    assertThat(DataDirectoryRules.decide("postgresql.auto.conf", false)).isEqualTo(COPY);
    assertThat(DataDirectoryRules.decide("pg_xact/0000", false)).isEqualTo(COPY);
  }

  @Test
  void shouldRecogniseTheControlFile() {
    assertThat(DataDirectoryRules.isControlFile("global/pg_control")).isTrue();
    assertThat(DataDirectoryRules.isControlFile("global/pg_control.old")).isFalse();
    assertThat(DataDirectoryRules.isControlFile("pg_control")).isFalse();
  }
}
