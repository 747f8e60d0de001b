package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.recovery.oracle.RecoveryVerification.FileState;
import io.rebound.recovery.oracle.RecoveryVerification.Result;
import io.rebound.recovery.oracle.Triage.AffectedFile;
import io.rebound.recovery.oracle.Triage.Diagnosis;
import io.rebound.recovery.oracle.Triage.LogCoverage;
import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Triage of database ORCL: SYSTEM (1), SYSAUX (3), UNDOTBS1 (4), USERS (7, 8), APP_DATA (12). */
class TriageTest {

  static final DatabaseState OPEN = new DatabaseState("1613387266", "ORCL", "ARCHIVELOG", "READ WRITE", "2514000", "1", false, "UNDOTBS1");
  static final DatabaseState MOUNTED = new DatabaseState("1613387266", "ORCL", "ARCHIVELOG", "MOUNTED", "2514000", "1", false, "undotbs1");
  static final List<Datafile> FILES = List.of(file(1, "system01.dbf", "SYSTEM"), file(3, "sysaux01.dbf", "SYSAUX"),
      file(4, "undotbs01.dbf", "UNDOTBS1"), file(7, "users01.dbf", "USERS"), file(8, "users02.dbf", "USERS"),
      file(12, "app_data01.dbf", "APP_DATA"));
  static final Map<Integer, String> ONLINE = Map.of(1, "2514500");
  static final OpenFailure NONE = OpenFailure.parse("");

  static Datafile file(int number, String name, String tablespace) {
    return new Datafile(number, 0, "/u02/oradata/ORCL/" + name, number == 1 ? "SYSTEM" : "ONLINE", "READ WRITE", "2514000", tablespace);
  }

  static ArchivedLog log(int thread, long sequence, long first, long next) {
    return new ArchivedLog(thread, sequence, String.valueOf(first), String.valueOf(next));
  }

  static final List<ArchivedLog> LOGS = List.of(log(1, 56, 2510000, 2512000), log(1, 57, 2512000, 2513000), log(1, 58, 2513000, 2514500));

  @Test
  void shouldFindInstanceRecoveryEnoughWhenTheDatabaseOpenedAndNoFileNeedsRecovery() {
    Diagnosis diagnosis = Triage.diagnose(OPEN, FILES, List.of(), NONE, List.of(), ONLINE);

    assertThat(diagnosis.instanceRecoveryOnly()).isTrue();
    assertThat(diagnosis.open()).isTrue();
    assertThat(diagnosis.archivelog()).isTrue();
    assertThat(diagnosis.files()).isEmpty();
    assertThat(diagnosis.recoveryStartScn()).isEmpty();
    assertThat(diagnosis.logs().onDisk()).isTrue();
    assertThat(diagnosis.systemOrUndo()).isFalse();
  }

  @Test
  void shouldNameOneMissingDatafileOfAPartOfATablespaceWithTheLogsOnDisk() {
    Diagnosis diagnosis = Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(7, "OFFLINE", "FILE NOT FOUND", "2511000")),
        OpenFailure.parse("ORA-01157: cannot identify/lock data file 7 - see DBWR trace file"), LOGS, ONLINE);

    assertThat(diagnosis.instanceRecoveryOnly()).isFalse();
    assertThat(diagnosis.open()).isFalse();
    assertThat(diagnosis.files()).containsExactly(new AffectedFile(7, "/u02/oradata/ORCL/users01.dbf", "USERS", true));
    assertThat(diagnosis.tablespaces()).containsExactly("USERS");
    assertThat(diagnosis.wholeTablespaces()).isEmpty();
    assertThat(diagnosis.systemOrUndo()).isFalse();
    assertThat(diagnosis.recoveryStartScn()).contains("2511000");
    assertThat(diagnosis.logs()).isEqualTo(new LogCoverage("2511000", List.of()));
  }

  @Test
  void shouldSeeAWholeTablespaceAndAFileNamedOnlyByTheFailedOpen() {
    Diagnosis diagnosis = Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(7, "ONLINE", "", "2512500")),
        OpenFailure.parse("ORA-01157: cannot identify/lock data file 8 - see DBWR trace file\n"
            + "ORA-01110: data file 8: '/u02/oradata/ORCL/users02.dbf'"), LOGS, ONLINE);

    assertThat(diagnosis.files()).containsExactly(new AffectedFile(7, "/u02/oradata/ORCL/users01.dbf", "USERS", false),
        new AffectedFile(8, "/u02/oradata/ORCL/users02.dbf", "USERS", true));
    assertThat(diagnosis.wholeTablespaces()).containsExactly("USERS");
  }

  @Test
  void shouldFlagSystemAndTheUndoTablespaceWhichNeedTheDatabaseMounted() {
    assertThat(Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(4, "ONLINE", "", "2512000")), NONE, LOGS, ONLINE).systemOrUndo())
        .isTrue();
    assertThat(Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(1, "SYSTEM", "FILE NOT FOUND", "2512000")), NONE, LOGS, ONLINE)
        .systemOrUndo()).isTrue();
    DatabaseState noUndo = new DatabaseState("1", "ORCL", "ARCHIVELOG", "MOUNTED", "1", "1", false, null);
    assertThat(Triage.diagnose(noUndo, FILES, List.of(new RecoverFile(4, "ONLINE", "", "2512000")), NONE, LOGS, ONLINE).systemOrUndo())
        .isFalse();
    assertThat(Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(12, "ONLINE", "", "2512000")), NONE, LOGS, ONLINE).systemOrUndo())
        .isFalse();
  }

  @Test
  void shouldKeepAFileTheControlFileDoesNotKnowAndTheLowestStartOfRecovery() {
    Diagnosis diagnosis = Triage.diagnose(MOUNTED, FILES, List.of(new RecoverFile(12, "ONLINE", "", "2513500"),
        new RecoverFile(3, "ONLINE", "", "2512100"), new RecoverFile(99, "OFFLINE", "FILE NOT FOUND", "0")),
        OpenFailure.parse("ORA-01113: file 12 needs media recovery\nORA-01157: cannot identify/lock data file 50 - see DBWR trace file\n"
            + "ORA-01110: data file 50: '/u09/x.dbf'"), LOGS, ONLINE);

    assertThat(diagnosis.files()).containsExactly(new AffectedFile(3, "/u02/oradata/ORCL/sysaux01.dbf", "SYSAUX", false),
        new AffectedFile(12, "/u02/oradata/ORCL/app_data01.dbf", "APP_DATA", false), new AffectedFile(50, "/u09/x.dbf", null, true),
        new AffectedFile(99, null, null, true));
    assertThat(diagnosis.tablespaces()).containsExactly("SYSAUX", "APP_DATA");
    assertThat(diagnosis.wholeTablespaces()).containsExactly("SYSAUX", "APP_DATA");
    assertThat(diagnosis.recoveryStartScn()).contains("2512100");
  }

  @Test
  void shouldLeaveOutAFileTakenOfflineNormallyWhichNeedsNoRecovery() {
    Diagnosis diagnosis = Triage.diagnose(OPEN, FILES, List.of(new RecoverFile(12, "OFFLINE", "OFFLINE NORMAL", "2400000"),
        new RecoverFile(7, "OFFLINE", "", "2512000")), NONE, LOGS, ONLINE);

    assertThat(diagnosis.files()).extracting(AffectedFile::number).containsExactly(7);
    assertThat(diagnosis.recoveryStartScn()).contains("2512000");
    assertThat(diagnosis.instanceRecoveryOnly()).isFalse();
    assertThat(Triage.diagnose(OPEN, FILES, List.of(new RecoverFile(12, "OFFLINE", "OFFLINE NORMAL", "1")), NONE, LOGS, ONLINE)
        .instanceRecoveryOnly()).isTrue();
  }

  @Test
  void shouldTellANoarchivelogDatabase() {
    DatabaseState noArchive = new DatabaseState("1", "ORCL", "NOARCHIVELOG", "MOUNTED", "1", "1", false, "UNDOTBS1");
    assertThat(Triage.diagnose(noArchive, FILES, List.of(new RecoverFile(7, "ONLINE", "", "5")), NONE, List.of(), ONLINE).archivelog())
        .isFalse();
    assertThat(new DatabaseState("1", "ORCL", "ARCHIVELOG", null, "1", "1", false, null).open()).isFalse();
    assertThat(new DatabaseState("1", "ORCL", "ARCHIVELOG", "READ ONLY", "1", "1", false, null).open()).isTrue();
  }

  @Test
  void shouldNameTheLogsMissingOnDiskPerThread() {
    Map<Integer, String> online = Map.of(1, "2514500", 2, "2514400", 3, "2500000");
    List<ArchivedLog> logs = List.of(log(1, 56, 2510000, 2512000), log(1, 58, 2513000, 2514500), log(2, 30, 2512000, 2514400));

    LogCoverage coverage = Triage.coverage("2511000", logs, online);

    assertThat(coverage.missing()).containsExactly("thread 1 sequence 57", "thread 2: no archived log on disk holds SCN 2511000");
    assertThat(coverage.onDisk()).isFalse();
    assertThat(Triage.coverage("2512000", logs, Map.of(2, "2514400")).onDisk()).isTrue();
    assertThat(Triage.coverage("2514500", logs, Map.of(1, "2514500")).onDisk()).isTrue();
    assertThat(Triage.coverage("2514499", List.of(), Map.of(1, "2514500")).missing())
        .containsExactly("thread 1: no archived log on disk holds SCN 2514499");
    assertThat(Triage.coverage("2511999", logs, Map.of(1, "2512000")).onDisk()).isTrue();
    assertThatThrownBy(() -> Triage.coverage("x", logs, online)).hasMessage("'x' is not an SCN (a decimal number)");
  }

  @Test
  void shouldTellAFileThatIsGoneFromOneThatIsOnlyBehind() {
    assertThat(new RecoverFile(7, "OFFLINE", "FILE NOT FOUND", "1").missing()).isTrue();
    assertThat(new RecoverFile(7, "OFFLINE", "CANNOT OPEN FILE", "1").missing()).isTrue();
    assertThat(new RecoverFile(7, "OFFLINE", "WRONG FILE", "1").missing()).isTrue();
    assertThat(new RecoverFile(7, "OFFLINE", "CORRUPT HEADER", "1").missing()).isTrue();
    assertThat(new RecoverFile(7, "ONLINE", "", "1").missing()).isFalse();
    assertThat(new RecoverFile(7, "OFFLINE", "OFFLINE NORMAL", "1").missing()).isFalse();
    assertThat(new RecoverFile(7, "ONLINE", null, "1").missing()).isFalse();
  }

  @Test
  void shouldVerifyARecoveryOnlyWhenOpenReadWriteWithEveryFileOnlineAndNothingToRecover() {
    assertThat(new Result("READ WRITE", List.of(), List.of()).problems()).isEmpty();
    assertThat(new Result("MOUNTED", List.of(new FileState(7, null, "FILE NOT FOUND"), new FileState(8, null, "")),
        List.of(new FileState(7, "/u02/oradata/ORCL/users01.dbf", "OFFLINE"))).problems()).containsExactly(
        "the database is MOUNTED, not open READ WRITE",
        "datafile 7 still needs recovery (V$RECOVER_FILE: FILE NOT FOUND)",
        "datafile 8 still needs recovery (V$RECOVER_FILE)",
        "datafile 7 (/u02/oradata/ORCL/users01.dbf) is OFFLINE, not ONLINE");
    assertThat(new Result("READ ONLY", List.of(new FileState(9, null, null)), List.of()).problems()).containsExactly(
        "the database is READ ONLY, not open READ WRITE", "datafile 9 still needs recovery (V$RECOVER_FILE)");
  }

  @Test
  void shouldReadTheViewsTriageAndVerifyNeedWithBindVariablesAndNothingElse() {
    assertThat(TriageQueries.DATABASE).contains("FROM V$DATABASE d", "LOG_MODE", "OPEN_MODE", "CHECKPOINT_CHANGE#", "undo_tablespace");
    assertThat(TriageQueries.DATAFILES).contains("FROM V$DATAFILE f JOIN V$TABLESPACE t ON t.TS# = f.TS# AND t.CON_ID = f.CON_ID");
    assertThat(TriageQueries.RECOVER_FILES).contains("FROM V$RECOVER_FILE");
    assertThat(TriageQueries.ARCHIVED_LOGS).contains("FROM V$ARCHIVED_LOG", "DELETED = 'NO'", "NEXT_CHANGE# > ?")
        .contains("RESETLOGS_CHANGE# = (SELECT RESETLOGS_CHANGE# FROM V$DATABASE)");
    assertThat(TriageQueries.ONLINE_LOG_STARTS).contains("FROM V$LOG");
    assertThat(RecoveryVerification.NOT_ONLINE).contains("STATUS NOT IN ('ONLINE', 'SYSTEM')");
    assertThat(Optional.of(RecoveryVerification.RECOVER_FILES)).hasValueSatisfying(sql -> assertThat(sql).contains("V$RECOVER_FILE"));
  }
}
