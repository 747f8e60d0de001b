package io.rebound.recovery.oracle;

import static io.rebound.recovery.oracle.TriageMappingTest.FILES;
import static io.rebound.recovery.oracle.TriageMappingTest.LOGS;
import static io.rebound.recovery.oracle.TriageMappingTest.MOUNTED;
import static io.rebound.recovery.oracle.TriageMappingTest.ONLINE;
import static io.rebound.recovery.oracle.TriageMappingTest.OPEN;
import static io.rebound.recovery.oracle.TriageMappingTest.OPEN_FAILED_ON_7;
import static io.rebound.recovery.oracle.TriageMappingTest.behind;
import static io.rebound.recovery.oracle.TriageMappingTest.missing;
import static io.rebound.recovery.oracle.TriageMappingTest.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import io.rebound.recovery.LogArchiving;
import io.rebound.recovery.RestoreUnit;
import io.rebound.recovery.Strategy;
import io.rebound.recovery.StrategyDecision;
import io.rebound.recovery.StrategyTables;
import io.rebound.recovery.Triage;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Script;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import io.rebound.target.Dialect;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The command file of each decision of the table, from triages built as Oracle's views would give them: exactly what RMAN
 * is given, the downloaded pieces catalogued before the first restore, and the refusals that run nothing.
 */
class RecoveryCommandsTest {

  static final Path DOWNLOADS = Path.of("/srv/rebound/backup-work/r77-recovery/download");
  static final String CATALOG = "CATALOG START WITH '/srv/rebound/backup-work/r77-recovery/download/' NOPROMPT;\nCROSSCHECK BACKUP;\n"
      + "CROSSCHECK ARCHIVELOG ALL;";
  static final RecoveryCommands.Places PLACES = new RecoveryCommands.Places("orcl", DOWNLOADS, Optional.of(Path.of("/u03/oradata/ORCL")),
      Optional.of(ZoneId.of("Europe/Lisbon")));
  static final Instant T0 = Instant.parse("2026-11-29T01:00:00Z");
  static final BackupManifest FULL = new BackupManifest("b20261129f", "orcl", Dialect.ORACLE, BackupType.FULL, null, 1, "1613387266", T0,
      T0.plusSeconds(600), "2500000", "2510000", List.of(new Piece("0v3a1b2c_1_1", "k/0v3a1b2c_1_1", 3000, "aa"),
          new Piece("controlfile_123a1b31_1_1", "k/controlfile_123a1b31_1_1", 100, "bb")));
  static final RecoveryPlan LATEST = new RecoveryPlan("orcl", Dialect.ORACLE, RecoveryPoint.latest(), 1, "1613387266", List.of(FULL),
      List.of(), FULL.pieces(), 3100, T0.plusSeconds(600), "2510000", "none");

  static Triage triage(io.rebound.recovery.oracle.TriageQueries.DatabaseState state, List<RecoverFile> recover, String failure,
      Predicate<String> usable) {
    return TriageMapping.triage(new DatabasePicture(true, false, state, FILES, recover, OpenFailure.parse(failure), LOGS, ONLINE,
        List.of()), false, usable);
  }

  static Triage triage(io.rebound.recovery.oracle.TriageQueries.DatabaseState state, List<RecoverFile> recover) {
    return triage(state, recover, null, name -> true);
  }

  static String script(Triage triage) {
    return script(triage, StrategyTables.decide(triage, false), LATEST);
  }

  static String script(Triage triage, StrategyDecision decision, RecoveryPlan restore) {
    return RecoveryCommands.script(triage, decision, restore, PLACES).rman();
  }

  static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void shouldRestoreADatafileOfAnOpenDatabaseOfflineAndBringItOnline() {
    assertThat(script(triage(OPEN, List.of(missing(7))))).isEqualTo(lines(
        "# Rebound media recovery: datafile 7 restored and recovered while the rest of the database is open",
        "ALTER DATABASE DATAFILE 7 OFFLINE;",
        CATALOG,
        "RESTORE DATAFILE 7;",
        "RECOVER DATAFILE 7;",
        "ALTER DATABASE DATAFILE 7 ONLINE;"));
  }

  @Test
  void shouldOpenAMountedDatabaseWithoutTheDatafileBeforeRestoringIt() {
    assertThat(script(triage(MOUNTED, List.of(missing(7)), OPEN_FAILED_ON_7, name -> true))).isEqualTo(lines(
        "# Rebound media recovery: datafile 7 restored and recovered while the rest of the database is open",
        "ALTER DATABASE DATAFILE 7 OFFLINE;",
        "ALTER DATABASE OPEN;",
        CATALOG,
        "RESTORE DATAFILE 7;",
        "RECOVER DATAFILE 7;",
        "ALTER DATABASE DATAFILE 7 ONLINE;"));
  }

  @Test
  void shouldTakeWholeTablespacesOfflineWhileOpenAndTheirDatafilesWhileMounted() {
    assertThat(script(triage(OPEN, List.of(missing(7), behind(8, "2513500"))))).isEqualTo(lines(
        "# Rebound media recovery: tablespace USERS restored and recovered while the rest of the database is open",
        "ALTER TABLESPACE USERS OFFLINE IMMEDIATE;",
        CATALOG,
        "RESTORE TABLESPACE USERS;",
        "RECOVER TABLESPACE USERS;",
        "ALTER TABLESPACE USERS ONLINE;"));
    assertThat(script(triage(MOUNTED, List.of(missing(12))))).isEqualTo(lines(
        "# Rebound media recovery: datafile 12 restored and recovered while the rest of the database is open",
        "ALTER DATABASE DATAFILE 12 OFFLINE;",
        "ALTER DATABASE OPEN;",
        CATALOG,
        "RESTORE DATAFILE 12;",
        "RECOVER DATAFILE 12;",
        "ALTER DATABASE DATAFILE 12 ONLINE;"));
  }

  @Test
  void shouldRecoverSystemOrUndoAndTheWholeDatabaseMountedAndOpenThePluggableDatabasesOfAContainer() {
    assertThat(script(triage(state("ARCHIVELOG", "MOUNTED", true), List.of(missing(1), behind(4, "2513000"))))).isEqualTo(lines(
        "# Rebound media recovery: datafile 1, 4 restored and recovered with the database mounted",
        "STARTUP FORCE MOUNT;",
        CATALOG,
        "RESTORE DATAFILE 1, 4;",
        "RECOVER DATAFILE 1, 4;",
        "ALTER DATABASE OPEN;",
        "ALTER PLUGGABLE DATABASE ALL OPEN;"));
    Triage whole = triage(MOUNTED, FILES.stream().map(file -> missing(file.number())).toList());
    assertThat(StrategyTables.decide(whole, false).strategy()).isEqualTo(Strategy.RESTORE_DATABASE);
    assertThat(script(whole)).contains("RESTORE DATAFILE 1, 3, 4, 7, 8, 12;", "RECOVER DATAFILE 1, 3, 4, 7, 8, 12;")
        .doesNotContain("PLUGGABLE");
  }

  @Test
  void shouldRestoreAFileWhoseDirectoryIsGoneIntoTheRelocationDirectoryAndSwitchToIt() {
    Triage triage = triage(OPEN, List.of(missing(7)), null, name -> false);
    assertThat(script(triage)).isEqualTo(lines(
        "# Rebound media recovery: datafile 7 restored to new names and recovered there",
        "ALTER DATABASE DATAFILE 7 OFFLINE;",
        CATALOG,
        "RUN {",
        "  SET NEWNAME FOR DATAFILE 7 TO '/u03/oradata/ORCL/users01.dbf';",
        "  RESTORE DATAFILE 7;",
        "  SWITCH DATAFILE 7;",
        "  RECOVER DATAFILE 7;",
        "}",
        "ALTER DATABASE DATAFILE 7 ONLINE;"));
    Triage system = triage(MOUNTED, List.of(missing(1)), null, name -> false);
    assertThat(script(system)).startsWith(lines("# Rebound media recovery: datafile 1 restored to new names and recovered there",
        "STARTUP FORCE MOUNT;", CATALOG, "RUN {", "  SET NEWNAME FOR DATAFILE 1 TO '/u03/oradata/ORCL/system01.dbf';"))
        .endsWith(lines("}", "ALTER DATABASE OPEN;"));
    Triage tablespace = triage(OPEN, List.of(missing(12)), null, name -> false);
    assertThat(script(tablespace)).contains("ALTER DATABASE DATAFILE 12 OFFLINE;",
        "  SET NEWNAME FOR DATAFILE 12 TO '/u03/oradata/ORCL/app_data01.dbf';").doesNotContain("STARTUP");
    Triage mountedFile = triage(MOUNTED, List.of(missing(7)), null, name -> false);
    assertThat(script(mountedFile)).contains("STARTUP FORCE MOUNT;", "ALTER DATABASE OPEN;").doesNotContain("OFFLINE");
  }

  @Test
  void shouldRefuseToRelocateWithoutARelocationDirectoryNamingTheSetting() {
    Triage triage = triage(OPEN, List.of(missing(7)), null, name -> false);
    RecoveryCommands.Places nowhere = new RecoveryCommands.Places("orcl", DOWNLOADS, Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> RecoveryCommands.script(triage, StrategyTables.decide(triage, false), LATEST, nowhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rebound.targets.orcl.backup.data-directory is not set: on Oracle it is where datafiles are restored when their own"
            + " directory is gone, and /u02/oradata/ORCL/users01.dbf cannot go back where it was");
  }

  @Test
  void shouldNameTheFileThatCannotGoBackWhenRefusingToRelocate() {
    Triage triage = triage(OPEN, List.of(missing(7), missing(12)), null, name -> !name.endsWith("app_data01.dbf"));
    RecoveryCommands.Places nowhere = new RecoveryCommands.Places("orcl", DOWNLOADS, Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> RecoveryCommands.script(triage, StrategyTables.decide(triage, false), LATEST, nowhere))
        .hasMessageEndingWith("/u02/oradata/ORCL/app_data01.dbf cannot go back where it was");
  }

  @Test
  void shouldRefuseToRestoreTheLastBackupOverAPlaceThatIsGone() {
    Triage triage = triage(state("NOARCHIVELOG", "MOUNTED", false), List.of(missing(7)), null, name -> false);
    StrategyDecision decision = StrategyTables.decide(triage, false);

    assertThat(decision.strategy()).isEqualTo(Strategy.RESTORE_LAST_BACKUP);
    assertThatThrownBy(() -> script(triage, decision, LATEST)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the restore of the last consistent backup restores every datafile where the control file places it");
  }

  @Test
  void shouldRecoverTheWholeDatabaseUntilThePointInTheHostsZoneAndOpenResetlogs() {
    Triage triage = triage(OPEN, List.of(missing(7)));
    StrategyDecision decision = StrategyTables.decide(triage, true);
    RecoveryPlan point = new RecoveryPlan("orcl", Dialect.ORACLE, RecoveryPoint.at(T0.plusSeconds(3600)), 1, "1613387266",
        List.of(FULL), List.of(), FULL.pieces(), 3100, T0.plusSeconds(3600), null, "after");

    assertThat(decision.strategy()).isEqualTo(Strategy.POINT_IN_TIME);
    assertThat(script(triage, decision, point)).isEqualTo(lines(
        "# Rebound media recovery: the database restored and recovered until 2026-11-29T02:00:00Z (2026-11-29 02:00:00 Europe/Lisbon)",
        "STARTUP FORCE MOUNT;",
        CATALOG,
        "RUN {",
        "  SET UNTIL TIME \"TO_DATE('2026-11-29 02:00:00', 'YYYY-MM-DD HH24:MI:SS')\";",
        "  RESTORE DATABASE;",
        "  RECOVER DATABASE;",
        "}",
        "ALTER DATABASE OPEN RESETLOGS;"));
    RecoveryCommands.Places noZone = new RecoveryCommands.Places("orcl", DOWNLOADS, PLACES.relocation(), Optional.empty());
    assertThatThrownBy(() -> RecoveryCommands.script(triage, decision, point, noZone)).hasMessageStartingWith(
        "rebound.targets.orcl.backup.environment.TZ is not set");
    Triage gone = triage(OPEN, List.of(missing(7)), null, name -> false);
    assertThatThrownBy(() -> script(gone, StrategyTables.decide(gone, true), point)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a recovery to a point in time restores every datafile where the control file places it");
  }

  @Test
  void shouldRestoreTheLastBackupWholeWithItsControlFileAndRecoverItOnlyToItsEnd() {
    Triage triage = triage(state("NOARCHIVELOG", "MOUNTED", false), List.of(missing(7)));
    StrategyDecision decision = StrategyTables.decide(triage, false);
    RecoveryPlan last = new RecoveryPlan("orcl", Dialect.ORACLE, RecoveryPoint.at(FULL.endTime()), 1, "1613387266", List.of(FULL),
        List.of(), FULL.pieces(), 3100, FULL.endTime(), null, "after");

    assertThat(decision.strategy()).isEqualTo(Strategy.RESTORE_LAST_BACKUP);
    assertThat(script(triage, decision, last)).isEqualTo(lines(
        "# Rebound media recovery: NOARCHIVELOG, the backup b20261129f restored whole and made consistent at SCN "
            + FULL.endPosition() + " by the archived logs it holds",
        "STARTUP FORCE NOMOUNT;",
        "SET DBID 1613387266;",
        "RESTORE CONTROLFILE FROM '/srv/rebound/backup-work/r77-recovery/download/b20261129f/controlfile_123a1b31_1_1';",
        "ALTER DATABASE MOUNT;",
        "CATALOG START WITH '/srv/rebound/backup-work/r77-recovery/download/' NOPROMPT;",
        "RUN {",
        "  SET UNTIL SCN " + FULL.endPosition() + ";",
        "  RESTORE DATABASE;",
        "  RECOVER DATABASE;",
        "}",
        "ALTER DATABASE OPEN RESETLOGS;"));
    BackupManifest noControlfile = new BackupManifest("b1", "orcl", Dialect.ORACLE, BackupType.FULL, null, 1, "1613387266", T0, T0,
        "1", "2", List.of(FULL.pieces().get(0)));
    RecoveryPlan without = new RecoveryPlan("orcl", Dialect.ORACLE, RecoveryPoint.at(T0), 1, "1613387266", List.of(noControlfile),
        List.of(), noControlfile.pieces(), 3000, T0, null, "after");
    assertThatThrownBy(() -> script(triage, decision, without)).hasMessage("backup b1 holds no control file piece (controlfile_...)");
  }

  @Test
  void shouldRefuseWhatIsNotAnOracleDatafileOrNeedsNothingRun() {
    Triage foreign = new Triage(true, true, null, List.of(new AffectedFile("base/5/16384", "pg_default", FileKind.DATA,
        "table public.orders", true, "missing")), RestoreUnit.FILE, new LogArchiving(true, "archive"), List.of(), List.of());
    assertThatThrownBy(() -> script(foreign)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("base/5/16384 is not named as an Oracle datafile by its number");
    Triage clean = triage(OPEN, List.of());
    assertThatThrownBy(() -> script(clean)).hasMessage("the database needs instance recovery only: nothing to run");
  }

  @Test
  void shouldCatalogTheDownloadsBeforeTheFirstRestoreOnly() {
    Script plain = new Script(MediaRecoveryScripts.Strategy.MOUNTED, lines("STARTUP FORCE MOUNT;", "RESTORE DATAFILE 4;",
        "RESTORE DATAFILE 5;"), "none");
    assertThat(RecoveryCommands.catalogued(plain, DOWNLOADS).rman()).isEqualTo(lines("STARTUP FORCE MOUNT;", CATALOG,
        "RESTORE DATAFILE 4;", "RESTORE DATAFILE 5;"));
    assertThatThrownBy(() -> RecoveryCommands.catalogued(new Script(MediaRecoveryScripts.Strategy.MOUNTED, lines("STARTUP FORCE MOUNT;"),
        "none"), DOWNLOADS)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RecoveryCommands.catalogued(plain, Path.of("/srv/it's"))).isInstanceOf(IllegalArgumentException.class);
  }
}
