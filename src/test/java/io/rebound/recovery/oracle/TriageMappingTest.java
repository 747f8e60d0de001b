package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import io.rebound.recovery.RestoreUnit;
import io.rebound.recovery.Strategy;
import io.rebound.recovery.StrategyTables;
import io.rebound.recovery.Triage;
import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the database said, as V$ rows and the text of a failed {@code ALTER DATABASE OPEN}, turned into the triage the
 * decision table reads, and what the table decides on it. Database ORCL: SYSTEM (1), SYSAUX (3), UNDOTBS1 (4), USERS (7,
 * 8), APP_DATA (12).
 */
class TriageMappingTest {

  static final DatabaseState OPEN = state("ARCHIVELOG", "READ WRITE", false);
  static final DatabaseState MOUNTED = state("ARCHIVELOG", "MOUNTED", false);
  static final List<Datafile> FILES = List.of(file(1, "system01.dbf", "SYSTEM"), file(3, "sysaux01.dbf", "SYSAUX"),
      file(4, "undotbs01.dbf", "UNDOTBS1"), file(7, "users01.dbf", "USERS"), file(8, "users02.dbf", "USERS"),
      file(12, "app_data01.dbf", "APP_DATA"));
  static final Map<Integer, String> ONLINE = Map.of(1, "2514500");
  static final List<ArchivedLog> LOGS = List.of(new ArchivedLog(1, 57, "2512000", "2513000"),
      new ArchivedLog(1, 58, "2513000", "2514500"));
  static final Predicate<String> EVERY_DIRECTORY = name -> true;
  static final String OPEN_FAILED_ON_7 = """
      java.sql.SQLException: ORA-01157: cannot identify/lock data file 7 - see DBWR trace file
      ORA-01110: data file 7: '/u02/oradata/ORCL/users01.dbf'
      ORA-27037: unable to obtain file status
      Linux-x86_64 Error: 2: No such file or directory
      Additional information: 7
      """;

  static DatabaseState state(String logMode, String openMode, boolean container) {
    return new DatabaseState("1613387266", "ORCL", logMode, openMode, "2514000", "1", container, "undotbs1");
  }

  static Datafile file(int number, String name, String tablespace) {
    return new Datafile(number, 0, "/u02/oradata/ORCL/" + name, number == 1 ? "SYSTEM" : "ONLINE", "READ WRITE", "2514000", tablespace);
  }

  static RecoverFile missing(int number) {
    return new RecoverFile(number, "ONLINE", "FILE NOT FOUND", "0");
  }

  static RecoverFile behind(int number, String scn) {
    return new RecoverFile(number, "OFFLINE", null, scn);
  }

  static DatabasePicture picture(DatabaseState state, List<RecoverFile> recover, String openFailure) {
    return new DatabasePicture(true, false, state, FILES, recover, OpenFailure.parse(openFailure), LOGS, ONLINE,
        OpenFailure.parse(openFailure).errors());
  }

  static Triage triage(DatabasePicture picture) {
    return TriageMapping.triage(picture, false, EVERY_DIRECTORY);
  }

  static Strategy decided(Triage triage) {
    return StrategyTables.decide(triage, false).strategy();
  }

  @Test
  void shouldFindAnOpenDatabaseWithNothingToRecoverNeedsInstanceRecoveryOnly() {
    Triage triage = triage(picture(OPEN, List.of(new RecoverFile(8, "OFFLINE", "OFFLINE NORMAL", "0")), null));

    assertThat(triage.reachable()).isTrue();
    assertThat(triage.opened()).isTrue();
    assertThat(triage.instanceRecovery()).isNull();
    assertThat(triage.files()).isEmpty();
    assertThat(triage.restoreUnit()).isEqualTo(RestoreUnit.NONE);
    assertThat(triage.logs().archived()).isTrue();
    assertThat(triage.logs().detail()).isEqualTo("ARCHIVELOG");
    assertThat(triage.serverSaid()).isEmpty();
    assertThat(triage.checks()).containsExactly("V$DATABASE: ORCL (DBID 1613387266), ARCHIVELOG, READ WRITE, checkpoint SCN 2514000",
        "V$DATAFILE: 6 datafiles; V$RECOVER_FILE: 0 need media recovery");
    assertThat(decided(triage)).isEqualTo(Strategy.INSTANCE_RECOVERY_ONLY);
  }

  @Test
  void shouldNameTheFileTheOpenFailedOnWithWhatVRecoverFileAndTheOpenSaidOfIt() {
    Triage triage = triage(picture(MOUNTED, List.of(missing(7)), OPEN_FAILED_ON_7));

    assertThat(triage.opened()).isFalse();
    assertThat(triage.files()).containsExactly(new AffectedFile("/u02/oradata/ORCL/users01.dbf", "USERS", FileKind.DATA,
        "datafile 7 of tablespace USERS", true, "missing or unreadable: restore and recover (V$RECOVER_FILE: FILE NOT FOUND, ONLINE;"
            + " the open failed on it (ORA-01157 cannot identify/lock: Linux-x86_64 Error: 2: No such file or directory))"));
    assertThat(triage.restoreUnit()).isEqualTo(RestoreUnit.FILE);
    assertThat(triage.serverSaid()).containsExactly("ORA-01157: cannot identify/lock data file 7 - see DBWR trace file",
        "ORA-01110: data file 7: '/u02/oradata/ORCL/users01.dbf'", "ORA-27037: unable to obtain file status");
    assertThat(triage.checks()).contains("the open named 1 datafile(s)");
    assertThat(decided(triage)).isEqualTo(Strategy.RESTORE_DATAFILE);
  }

  @Test
  void shouldTakeAFileTheOpenNamedThoughVRecoverFileDoesNotListItYet() {
    String failure = "ORA-01113: file 8 needs media recovery\nORA-01110: data file 8: '/u02/oradata/ORCL/users02.dbf'";
    Triage triage = triage(picture(MOUNTED, List.of(), failure));

    assertThat(triage.files()).singleElement().satisfies(file -> {
      assertThat(file.path()).isEqualTo("/u02/oradata/ORCL/users02.dbf");
      assertThat(file.problem()).isEqualTo("behind the control file: recover (the open failed on it (ORA-01113 needs media recovery))");
    });
  }

  @Test
  void shouldRestoreAWholeTablespaceWhenEveryFileOfItIsAffected() {
    Triage triage = triage(picture(OPEN, List.of(missing(12)), null));

    assertThat(triage.restoreUnit()).isEqualTo(RestoreUnit.TABLESPACE);
    assertThat(triage.checks()).contains("every datafile of APP_DATA is affected");
    assertThat(decided(triage)).isEqualTo(Strategy.RESTORE_TABLESPACE);

    Triage users = triage(picture(OPEN, List.of(missing(7), behind(8, "2513500")), null));
    assertThat(users.restoreUnit()).isEqualTo(RestoreUnit.TABLESPACE);
    Triage mixed = triage(picture(OPEN, List.of(missing(7), missing(12)), null));
    assertThat(mixed.restoreUnit()).isEqualTo(RestoreUnit.FILE);
  }

  @Test
  void shouldSayOfEachFileOnlyWhatWasSaidOfIt() {
    Triage triage = triage(picture(MOUNTED, List.of(missing(7), behind(8, "2513500")), OPEN_FAILED_ON_7));

    assertThat(triage.files()).hasSize(2);
    assertThat(triage.files().get(1).problem()).isEqualTo("behind the control file: recover (V$RECOVER_FILE: needs media recovery,"
        + " OFFLINE, from SCN 2513500)");
  }

  @Test
  void shouldNotCallTheDatabaseWholeWhenAFileOutsideTheControlFileMakesUpTheCount() {
    List<RecoverFile> recover = new java.util.ArrayList<>(FILES.stream().filter(file -> file.number() != 12)
        .map(file -> missing(file.number())).toList());
    recover.add(missing(30));

    Triage triage = triage(picture(MOUNTED, recover, null));

    assertThat(triage.files()).hasSize(FILES.size());
    assertThat(triage.restoreUnit()).isEqualTo(RestoreUnit.FILE);
  }

  @Test
  void shouldRecoverSystemAndUndoMountedAndEveryFileAsTheWholeDatabase() {
    Triage system = triage(picture(MOUNTED, List.of(missing(1)), null));
    assertThat(system.files().get(0).kind()).isEqualTo(FileKind.SYSTEM);
    assertThat(decided(system)).isEqualTo(Strategy.RESTORE_MOUNTED);

    Triage undo = triage(picture(MOUNTED, List.of(behind(4, "2513000")), null));
    assertThat(undo.files().get(0).kind()).isEqualTo(FileKind.UNDO);
    assertThat(undo.files().get(0).problem()).isEqualTo("behind the control file: recover (V$RECOVER_FILE: needs media recovery, OFFLINE,"
        + " from SCN 2513000)");
    assertThat(decided(undo)).isEqualTo(Strategy.RESTORE_MOUNTED);

    Triage sysaux = triage(picture(OPEN, List.of(missing(3)), null));
    assertThat(sysaux.files().get(0).kind()).as("SYSAUX can go offline").isEqualTo(FileKind.DATA);

    Triage whole = triage(picture(MOUNTED, FILES.stream().map(file -> missing(file.number())).toList(), null));
    assertThat(whole.restoreUnit()).isEqualTo(RestoreUnit.WHOLE);
    assertThat(decided(whole)).isEqualTo(Strategy.RESTORE_DATABASE);
  }

  @Test
  void shouldRelocateAFileWhoseDirectoryIsGone() {
    Triage triage = TriageMapping.triage(picture(OPEN, List.of(missing(7)), null), false, name -> !name.contains("users01"));

    assertThat(triage.files().get(0).locationUsable()).isFalse();
    assertThat(decided(triage)).isEqualTo(Strategy.RESTORE_DATAFILE_RELOCATED);
  }

  @Test
  void shouldSayNoarchivelogLeavesOnlyTheLastConsistentBackup() {
    Triage triage = triage(picture(state("NOARCHIVELOG", "MOUNTED", false), List.of(missing(7)), OPEN_FAILED_ON_7));

    assertThat(triage.logs().archived()).isFalse();
    assertThat(triage.logs().detail()).startsWith("NOARCHIVELOG: no redo is archived");
    assertThat(decided(triage)).isEqualTo(Strategy.RESTORE_LAST_BACKUP);
  }

  @Test
  void shouldSayWhichArchivedLogsAreNotOnDiskFromWhereRecoveryStarts() {
    Triage onDisk = triage(picture(OPEN, List.of(behind(8, "2512500")), null));
    assertThat(onDisk.logs().detail()).isEqualTo("ARCHIVELOG; from SCN 2512500 the archived logs on disk reach the online redo");

    Triage gap = triage(picture(OPEN, List.of(behind(8, "2511000")), null));
    assertThat(gap.logs().archived()).isTrue();
    assertThat(gap.logs().detail()).isEqualTo("ARCHIVELOG; from SCN 2511000 not on disk: thread 1: no archived log on disk holds SCN"
        + " 2511000 (restored from the shipped batches)");
  }

  @Test
  void shouldSayWhatTriageOpenedOrStartedAndThatAContainerOpensItsPluggableDatabases() {
    DatabasePicture opened = new DatabasePicture(true, true, state("ARCHIVELOG", "READ WRITE", true), FILES, List.of(), null, List.of(),
        ONLINE, List.of());
    Triage triage = TriageMapping.triage(opened, true, EVERY_DIRECTORY);
    assertThat(triage.instanceRecovery()).isEqualTo("the instance was started (STARTUP MOUNT) and ALTER DATABASE OPEN opened it: the"
        + " server rolled its online redo forward and back as it opened");
    assertThat(triage.checks()).contains(TriageMapping.CONTAINER);
    assertThat(TriageMapping.triage(opened, false, EVERY_DIRECTORY).instanceRecovery()).startsWith("ALTER DATABASE OPEN opened it");

    Triage stayedMounted = TriageMapping.triage(picture(MOUNTED, List.of(missing(7)), OPEN_FAILED_ON_7), true, EVERY_DIRECTORY);
    assertThat(stayedMounted.instanceRecovery()).isEqualTo("the instance was started (STARTUP MOUNT) and the database did not open");
    assertThat(triage(picture(OPEN, List.of(), null)).checks()).doesNotContain(TriageMapping.CONTAINER);
  }

  @Test
  void shouldLeaveNothingToDecideOnWhenTheInstanceDoesNotAnswerOrMountsNoControlFile() {
    Triage down = TriageMapping.triage(DatabasePicture.unreachable(List.of("ORA-01034: ORACLE not available")), false, EVERY_DIRECTORY);
    assertThat(down.reachable()).isFalse();
    assertThat(down.unexplained()).isTrue();
    assertThat(down.serverSaid()).containsExactly("ORA-01034: ORACLE not available");
    assertThat(down.logs().detail()).isEqualTo("not read: the instance does not answer");

    Triage noControlFile = TriageMapping.triage(DatabasePicture.notMounted(List.of("ORA-00205: error in identifying control file")),
        false, EVERY_DIRECTORY);
    assertThat(noControlFile.reachable()).isTrue();
    assertThat(noControlFile.unexplained()).isTrue();
    assertThat(noControlFile.logs().detail()).isEqualTo("not read: no control file is mounted");
  }

  @Test
  void shouldNameAFileTheControlFileDoesNotKnowByItsNumberAndNotCallItsPlaceUsable() {
    Triage triage = triage(new DatabasePicture(true, false, MOUNTED, List.of(), List.of(missing(30)), null, List.of(), ONLINE, List.of()));

    assertThat(triage.files()).singleElement().satisfies(file -> {
      assertThat(file.path()).isEqualTo("datafile 30");
      assertThat(file.tablespace()).isNull();
      assertThat(file.holds()).isEqualTo("datafile 30");
      assertThat(file.locationUsable()).isFalse();
    });
  }
}
