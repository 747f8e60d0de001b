package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.recovery.oracle.MediaRecoveryScripts.ConsistentBackup;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Relocation;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Rename;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Script;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Strategy;
import io.rebound.recovery.oracle.MediaRecoveryScripts.UntilScn;
import io.rebound.recovery.oracle.MediaRecoveryScripts.UntilTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MediaRecoveryScriptsTest {

  @Test
  void shouldRecoverDatafilesOfflineWhileTheDatabaseStaysOpen() {
    Script script = MediaRecoveryScripts.datafilesWhileOpen(List.of(8, 7, 8), false);

    assertThat(script.strategy()).isEqualTo(Strategy.DATAFILES_WHILE_OPEN);
    assertThat(script.dataLoss()).isEqualTo("none");
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: datafile 7, 8 restored and recovered while the rest of the database is open
        ALTER DATABASE DATAFILE 7, 8 OFFLINE;
        RESTORE DATAFILE 7, 8;
        RECOVER DATAFILE 7, 8;
        ALTER DATABASE DATAFILE 7, 8 ONLINE;
        """);
  }

  @Test
  void shouldOpenAMountedDatabaseWithoutTheFilesBeforeRecoveringThem() {
    assertThat(MediaRecoveryScripts.datafilesWhileOpen(List.of(7), true).rman()).isEqualTo("""
        # Rebound media recovery: datafile 7 restored and recovered while the rest of the database is open
        ALTER DATABASE DATAFILE 7 OFFLINE;
        ALTER DATABASE OPEN;
        RESTORE DATAFILE 7;
        RECOVER DATAFILE 7;
        ALTER DATABASE DATAFILE 7 ONLINE;
        """);
  }

  @Test
  void shouldRefuseToTakeSystemOfflineAndFileNumbersThatAreNone() {
    assertThatThrownBy(() -> MediaRecoveryScripts.datafilesWhileOpen(List.of(7, 1), false))
        .hasMessage("datafile 1 belongs to SYSTEM, which cannot be taken offline: recover it with the database mounted");
    assertThatThrownBy(() -> MediaRecoveryScripts.datafilesWhileOpen(List.of(), false)).hasMessage("name at least one datafile");
    assertThatThrownBy(() -> MediaRecoveryScripts.datafilesWhileOpen(List.of(0), false))
        .hasMessage("'0' is not a datafile number (1 to 65533)");
    assertThatThrownBy(() -> MediaRecoveryScripts.datafilesWhileOpen(List.of(65534), false)).hasMessageContaining("'65534' is not");
    assertThatThrownBy(() -> MediaRecoveryScripts.datafilesWhileOpen(Arrays.asList(7, null), false)).hasMessageContaining("'null' is not");
    assertThat(MediaRecoveryScripts.datafilesWhileOpen(List.of(65533), false).rman()).contains("RESTORE DATAFILE 65533;");
  }

  @Test
  void shouldRecoverWholeTablespacesOfflineImmediateAndBringThemBack() {
    Script script = MediaRecoveryScripts.tablespacesWhileOpen(List.of("users", " APP_DATA ", "USERS"), "UNDOTBS1");

    assertThat(script.strategy()).isEqualTo(Strategy.TABLESPACES_WHILE_OPEN);
    assertThat(script.dataLoss()).isEqualTo("none");
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: tablespace USERS, APP_DATA restored and recovered while the rest of the database is open
        ALTER TABLESPACE USERS OFFLINE IMMEDIATE;
        ALTER TABLESPACE APP_DATA OFFLINE IMMEDIATE;
        RESTORE TABLESPACE USERS, APP_DATA;
        RECOVER TABLESPACE USERS, APP_DATA;
        ALTER TABLESPACE USERS ONLINE;
        ALTER TABLESPACE APP_DATA ONLINE;
        """);
  }

  @Test
  void shouldRefuseTablespacesThatCannotGoOfflineOrAreNoPlainName() {
    assertThatThrownBy(() -> MediaRecoveryScripts.tablespacesWhileOpen(List.of("system"), "UNDOTBS1"))
        .hasMessage("tablespace SYSTEM cannot be taken offline (SYSTEM, or the undo tablespace in use): recover it with the database"
            + " mounted");
    assertThatThrownBy(() -> MediaRecoveryScripts.tablespacesWhileOpen(List.of("USERS", "undotbs1"), " UNDOTBS1 "))
        .hasMessageContaining("tablespace UNDOTBS1 cannot be taken offline");
    assertThat(MediaRecoveryScripts.tablespacesWhileOpen(List.of("UNDOTBS2"), "UNDOTBS1").rman()).contains("RESTORE TABLESPACE UNDOTBS2;");
    assertThat(MediaRecoveryScripts.tablespacesWhileOpen(List.of("USERS"), null).rman()).contains("RECOVER TABLESPACE USERS;");
    for (String bad : List.of("USERS; SHUTDOWN ABORT", "USERS\nSHUTDOWN", "\"USERS\"", "SYS$DATA", "1USERS", "USERS'")) {
      assertThatThrownBy(() -> MediaRecoveryScripts.tablespacesWhileOpen(List.of(bad), null))
          .hasMessage("tablespace '" + bad + "' must be a plain name: a letter, then letters, digits and '_'");
    }
    assertThatThrownBy(() -> MediaRecoveryScripts.tablespacesWhileOpen(Arrays.asList((String) null), null)).hasMessageContaining("'null'");
    assertThatThrownBy(() -> MediaRecoveryScripts.tablespacesWhileOpen(List.of(), null)).hasMessage("name at least one tablespace");
  }

  @Test
  void shouldRecoverSystemOrUndoWithTheDatabaseMountedThenOpenIt() {
    Script script = MediaRecoveryScripts.mounted(List.of(4, 1), true);

    assertThat(script.strategy()).isEqualTo(Strategy.MOUNTED);
    assertThat(script.dataLoss()).isEqualTo("none");
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: datafile 1, 4 restored and recovered with the database mounted
        STARTUP FORCE MOUNT;
        RESTORE DATAFILE 1, 4;
        RECOVER DATAFILE 1, 4;
        ALTER DATABASE OPEN;
        ALTER PLUGGABLE DATABASE ALL OPEN;
        """);
    assertThat(MediaRecoveryScripts.mounted(List.of(1), false).rman()).endsWith("ALTER DATABASE OPEN;\n");
  }

  @Test
  void shouldRestoreDatafilesToNewNamesSwitchToThemAndRecoverThere() {
    Script script = MediaRecoveryScripts.relocated(List.of(new Relocation(7, "/u03/oradata/ORCL/users01.dbf"),
        new Relocation(12, "+RECO")), false, true);

    assertThat(script.strategy()).isEqualTo(Strategy.RELOCATED);
    assertThat(script.dataLoss()).isEqualTo("none");
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: datafile 7, 12 restored to new names and recovered there
        ALTER DATABASE DATAFILE 7, 12 OFFLINE;
        RUN {
          SET NEWNAME FOR DATAFILE 7 TO '/u03/oradata/ORCL/users01.dbf';
          SET NEWNAME FOR DATAFILE 12 TO '+RECO';
          RESTORE DATAFILE 7, 12;
          SWITCH DATAFILE 7, 12;
          RECOVER DATAFILE 7, 12;
        }
        ALTER DATABASE DATAFILE 7, 12 ONLINE;
        """);
  }

  @Test
  void shouldRelocateSystemWithTheDatabaseMounted() {
    assertThat(MediaRecoveryScripts.relocated(List.of(new Relocation(1, "/u03/oradata/ORCL/system01.dbf")), true, true).rman())
        .isEqualTo("""
            # Rebound media recovery: datafile 1 restored to new names and recovered there
            STARTUP FORCE MOUNT;
            RUN {
              SET NEWNAME FOR DATAFILE 1 TO '/u03/oradata/ORCL/system01.dbf';
              RESTORE DATAFILE 1;
              SWITCH DATAFILE 1;
              RECOVER DATAFILE 1;
            }
            ALTER DATABASE OPEN;
            ALTER PLUGGABLE DATABASE ALL OPEN;
            """);
    assertThat(MediaRecoveryScripts.relocated(List.of(new Relocation(1, "/u03/s.dbf")), true, false).rman())
        .endsWith("}\nALTER DATABASE OPEN;\n");
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(1, "/u03/s.dbf")), false, false))
        .hasMessage("datafile 1 belongs to SYSTEM, which cannot be taken offline: relocate it with the database mounted");
  }

  @Test
  void shouldRefuseNewNamesThatCouldBreakOutOfTheirQuotesOrClimbOrCollide() {
    for (String bad : List.of("relative/users01.dbf", "/u03/it's.dbf", "/u03/a\nSHUTDOWN", "/u03/../etc/passwd", "/u03/./x", "/u03/x/..",
        "/u03/x/.", "/u03//x", "/u03/%U", "/u03/a b", "+", "+1DATA", "+DATA/../x", "/", "")) {
      assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(7, bad)), false, false))
          .as(bad).hasMessageStartingWith("new name of datafile 7 '");
    }
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(7, null)), false, false))
        .hasMessageContaining("'null' must be an absolute path");
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(7, "/u03/" + "a".repeat(600))), false, false))
        .hasMessageContaining("must be an absolute path");
    assertThat(MediaRecoveryScripts.relocated(List.of(new Relocation(7, "/u03/" + "a".repeat(508))), false, false).rman()).contains("a'");
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(7, "/u03/x.dbf"), new Relocation(8, "/u03/x.dbf")),
        false, false)).hasMessage("two datafiles cannot both move to /u03/x.dbf");
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(), false, false)).hasMessage("a relocation names at least one datafile");
    assertThatThrownBy(() -> MediaRecoveryScripts.relocated(List.of(new Relocation(0, "/u03/x.dbf")), false, false))
        .hasMessageContaining("'0' is not a datafile number");
  }

  @Test
  void shouldRenameFilesInTheControlFileWithValidatedNamesOnly() {
    assertThat(MediaRecoveryScripts.renameFiles(List.of(new Rename("/u02/oradata/ORCL/users01.dbf", "/u03/oradata/ORCL/users01.dbf"),
        new Rename("+DATA/ORCL/DATAFILE/x.259.1", "/u03/x.dbf")))).containsExactly(
        "ALTER DATABASE RENAME FILE '/u02/oradata/ORCL/users01.dbf' TO '/u03/oradata/ORCL/users01.dbf'",
        "ALTER DATABASE RENAME FILE '+DATA/ORCL/DATAFILE/x.259.1' TO '/u03/x.dbf'");
    assertThatThrownBy(() -> MediaRecoveryScripts.renameFiles(List.of(new Rename("/u02/x.dbf", "/u02/x.dbf"))))
        .hasMessage("datafile /u02/x.dbf is renamed to itself");
    assertThatThrownBy(() -> MediaRecoveryScripts.renameFiles(List.of(new Rename("/u02/x.dbf'", "/u03/x.dbf"))))
        .hasMessageStartingWith("datafile '/u02/x.dbf''");
    assertThatThrownBy(() -> MediaRecoveryScripts.renameFiles(List.of(new Rename("/u02/x.dbf", "/u03/x.dbf' --"))))
        .hasMessageStartingWith("new name of /u02/x.dbf '");
    assertThatThrownBy(() -> MediaRecoveryScripts.renameFiles(List.of())).hasMessage("a rename names at least one datafile");
  }

  @Test
  void shouldRecoverIncompletelyUntilAnScnAndOpenWithResetlogs() {
    Script script = MediaRecoveryScripts.incomplete(new UntilScn("2514877"), false);

    assertThat(script.strategy()).isEqualTo(Strategy.INCOMPLETE);
    assertThat(script.dataLoss()).isEqualTo("every change after SCN 2514877 is lost");
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: the database restored and recovered until SCN 2514877
        STARTUP FORCE MOUNT;
        RUN {
          SET UNTIL SCN 2514877;
          RESTORE DATABASE;
          RECOVER DATABASE;
        }
        ALTER DATABASE OPEN RESETLOGS;
        """);
  }

  @Test
  void shouldRecoverIncompletelyUntilATimeOnTheHostsClockAndOpenAContainersPluggableDatabases() {
    Script script = MediaRecoveryScripts.incomplete(new UntilTime(Instant.parse("2026-07-01T12:00:00Z"), ZoneId.of("Europe/Lisbon")), true);

    assertThat(script.rman()).contains("  SET UNTIL TIME \"TO_DATE('2026-07-01 13:00:00', 'YYYY-MM-DD HH24:MI:SS')\";\n")
        .endsWith("ALTER DATABASE OPEN RESETLOGS;\nALTER PLUGGABLE DATABASE ALL OPEN;\n")
        .startsWith("# Rebound media recovery: the database restored and recovered until 2026-07-01T12:00:00Z (2026-07-01 13:00:00"
            + " Europe/Lisbon)\n");
    assertThat(script.dataLoss()).isEqualTo("every change after 2026-07-01T12:00:00Z (2026-07-01 13:00:00 Europe/Lisbon) is lost");
    assertThatThrownBy(() -> MediaRecoveryScripts.incomplete(new UntilScn("latest"), false)).hasMessage("'latest' is not an SCN (a decimal"
        + " number)");
    assertThatThrownBy(() -> MediaRecoveryScripts.incomplete(new UntilScn(null), false)).hasMessageContaining("'null' is not an SCN");
    assertThatThrownBy(() -> MediaRecoveryScripts.incomplete(new UntilScn("1".repeat(21)), false)).hasMessageContaining("is not an SCN");
  }

  @Test
  void shouldRestoreTheLastConsistentBackupOfANoarchivelogDatabaseAndSayWhatIsLost() {
    Script script = MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("cold-20261129", "/srv/restore/j1/cold-20261129/c-1",
        Optional.of("/srv/restore/j1"), "1613387266", Instant.parse("2026-11-29T01:00:00Z"), true, Optional.empty()));

    assertThat(script.strategy()).isEqualTo(Strategy.LAST_CONSISTENT_BACKUP);
    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: NOARCHIVELOG, the backup cold-20261129 restored whole, taken consistent
        STARTUP FORCE NOMOUNT;
        SET DBID 1613387266;
        RESTORE CONTROLFILE FROM '/srv/restore/j1/cold-20261129/c-1';
        ALTER DATABASE MOUNT;
        CATALOG START WITH '/srv/restore/j1/' NOPROMPT;
        RESTORE DATABASE;
        RECOVER DATABASE NOREDO;
        ALTER DATABASE OPEN RESETLOGS;
        ALTER PLUGGABLE DATABASE ALL OPEN;
        """);
    assertThat(script.dataLoss()).isEqualTo("every change after backup cold-20261129 (2026-11-29T01:00:00Z) is lost: the database does not"
        + " archive its redo (NOARCHIVELOG), so nothing after its last consistent backup can be recovered");
  }

  @Test
  void shouldRecoverAnOnlineBackupToItsEndWithTheLogsItHoldsAndNoFurther() {
    Script script = MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("b20261129f", "/srv/restore/j1/b20261129f/c-1",
        Optional.of("/srv/restore/j1"), "1613387266", Instant.parse("2026-11-29T01:00:00Z"), false, Optional.of("3100")));

    assertThat(script.rman()).isEqualTo("""
        # Rebound media recovery: NOARCHIVELOG, the backup b20261129f restored whole and made consistent at SCN 3100 by the archived logs it holds
        STARTUP FORCE NOMOUNT;
        SET DBID 1613387266;
        RESTORE CONTROLFILE FROM '/srv/restore/j1/b20261129f/c-1';
        ALTER DATABASE MOUNT;
        CATALOG START WITH '/srv/restore/j1/' NOPROMPT;
        RUN {
          SET UNTIL SCN 3100;
          RESTORE DATABASE;
          RECOVER DATABASE;
        }
        ALTER DATABASE OPEN RESETLOGS;
        """);
    assertThat(script.dataLoss()).startsWith("every change after backup b20261129f (2026-11-29T01:00:00Z) is lost");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("b1", "/srv/c-1", Optional.empty(), "42",
        Instant.parse("2026-11-29T01:00:00Z"), false, Optional.of("3100; SHUTDOWN")))).hasMessageContaining("is not an SCN");
  }

  @Test
  void shouldRefuseAConsistentBackupWithAnUnsafeValue() {
    Instant at = Instant.parse("2026-11-29T01:00:00Z");
    assertThat(MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1", "/srv/c-1", Optional.empty(), "42", at, false,
        Optional.empty())).rman())
        .doesNotContain("CATALOG", "PLUGGABLE").contains("SET DBID 42;");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1", "/srv/c-1", Optional.empty(),
        "42; SHUTDOWN", at, false, Optional.empty()))).hasMessage("'42; SHUTDOWN' is not a DBID (a number of up to 10 digits)");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1", "/srv/c-1", Optional.empty(), null, at,
        false, Optional.empty()))).hasMessageContaining("'null' is not a DBID");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1", "/srv/c-1'", Optional.empty(), "42", at,
        false, Optional.empty()))).hasMessageStartingWith("control file piece '/srv/c-1''");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1", "/srv/c-1", Optional.of("/srv/x y"),
        "42", at, false, Optional.empty()))).hasMessageStartingWith("catalog directory '/srv/x y'");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup("c1\nSHUTDOWN", "/srv/c-1", Optional.empty(),
        "42", at, false, Optional.empty()))).hasMessageStartingWith("backup id 'c1");
    assertThatThrownBy(() -> MediaRecoveryScripts.lastConsistentBackup(new ConsistentBackup(null, "/srv/c-1", Optional.empty(), "42", at,
        false, Optional.empty()))).hasMessageStartingWith("backup id 'null'");
  }
}
