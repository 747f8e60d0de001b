package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.restore.PlannedAction;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Data Pump jobs as the steps drive them, over a connection that plays the database's job and its log: a look
 * starts nothing, a start is recorded as one, a job a shutdown stopped is restarted within the limit and no further.
 */
class OracleJobsTest {

  static final JobSpec IMPORT = OracleJobs.importJob("WINSTORE_DUMP", "winstore_full_backup.dmp", "WINSTORE_ADMIN", "run-1", 1);
  static final String SHUTDOWN_LOG = String.join("\n",
      "Starting \"SYSTEM\".\"REBOUND_IMP_RUN1\":",
      "ORA-39097: Data Pump job encountered unexpected error -1089",
      "ORA-01089: immediate shutdown or close in progress - no operations are permitted",
      "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12");

  /** The job's state in DBA_DATAPUMP_JOBS (null: no master table) and its log in the DIRECTORY (null: none). */
  String state;
  String log;
  /** What DBMS_DATAPUMP.GET_STATUS says of a running job: state, percent done, errors; or that it has gone. */
  FakeConnection.Answer status = binds -> List.<Object[]>of(new Object[] {null, null, "EXECUTING", 40, null});
  final List<PlannedAction> statementsRun = new ArrayList<>();

  private FakeConnection database(JobSpec spec, int restarts, boolean restarted) {
    DataPump.JobParameters job = DataPump.JobParameters.of(spec);
    return new FakeConnection()
        .on(DataPump.JOB_STATE, binds -> state == null ? List.of() : List.<Object[]>of(new Object[] {state}))
        .on(DataPump.READ_FILE_BLOCK, binds -> List.<Object[]>of(new Object[] {null, null, log}))
        .rows(DataPump.REMOVE_FILE_BLOCK)
        .on(DataPump.startBlock(job), binds -> {
          state = "EXECUTING";
          return List.of();
        })
        .on(DataPump.STATUS_BLOCK, binds -> status.run(binds))
        .rows(DataPump.RESTART_BLOCK, new Object[] {null, null, null, null, null, restarts, restarted ? 1 : 0})
        .on("BEGIN UTL_FILE.FRENAME(?, ?, ?, ?, TRUE); END;", binds -> {
          log = null;
          return List.of();
        });
  }

  private OracleJobs jobs() {
    return new OracleJobs(3, (target, actions, stepLog) -> statementsRun.addAll(actions));
  }

  @Test
  void shouldStartNothingByLookingAtAJobNeverStarted() throws SQLException {
    FakeConnection database = database(IMPORT, 0, false);

    JobProgress progress = jobs().look(database.connection(), target(), DataPump.JobParameters.of(IMPORT));

    assertThat(progress.state()).isEqualTo(JobProgress.State.NOT_STARTED);
    assertThat(progress.detail()).isEqualTo("no job REBOUND_IMP_RUN1 and no log rebound_import_run1.log");
    assertThat(state).isNull();
  }

  @Test
  void shouldStartAJobNeverStartedRecordingTheStartAndCountingItsRestartsAfresh() throws SQLException {
    FakeConnection database = database(IMPORT, 0, false);
    StepLog steps = new StepLog();

    JobProgress progress = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(progress.state()).isEqualTo(JobProgress.State.RUNNING);
    assertThat(progress.percent()).isEqualTo(40);
    assertThat(steps.hasStartedJob()).isTrue();
    assertThat(steps.entries()).containsExactly(new StepLog.Entry(String.join(" ", IMPORT.parameters()), "started"));
    assertThat(database.ran).contains(DataPump.REMOVE_FILE_BLOCK + "  -- binds: WINSTORE_DUMP, rebound_import_run1.log.restarts");
    assertThat(statementsRun).isEmpty();
  }

  @Test
  void shouldReadAJobThatRanBeforeFromItsLogInsteadOfStartingItAgain() throws SQLException {
    log = "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" successfully completed at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:04";
    FakeConnection database = database(IMPORT, 0, false);
    StepLog steps = new StepLog();

    JobProgress progress = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(progress.state()).isEqualTo(JobProgress.State.SUCCEEDED);
    assertThat(steps.hasStartedJob()).isFalse();
    assertThat(steps.entries()).extracting(StepLog.Entry::action).containsExactly("job log rebound_import_run1.log");
    assertThat(state).isNull();
  }

  @Test
  void shouldReportAJobGoneWithoutAnEndFailedAndMoveItsLogAsideForTheRetry() throws SQLException {
    log = "Starting \"SYSTEM\".\"REBOUND_IMP_RUN1\":";
    FakeConnection database = database(IMPORT, 0, false);

    JobProgress progress = jobs().look(database.connection(), target(), DataPump.JobParameters.of(IMPORT));

    assertThat(progress.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(progress.detail()).isEqualTo("the job is gone and its log has no end: it was killed");
    assertThat(log).isNull();
    assertThat(database.ran).anyMatch(sql -> sql.startsWith("BEGIN UTL_FILE.FRENAME(?, ?, ?, ?, TRUE); END;  -- binds: WINSTORE_DUMP,"
        + " rebound_import_run1.log, WINSTORE_DUMP, rebound_import_run1.log.failed-"));
  }

  @Test
  void shouldRestartAJobAShutdownStoppedOnlyThroughAStartWithinTheLimit() throws SQLException {
    state = "NOT RUNNING";
    log = SHUTDOWN_LOG;
    FakeConnection database = database(IMPORT, 2, true);
    StepLog steps = new StepLog();

    JobProgress looked = jobs().look(database.connection(), target(), DataPump.JobParameters.of(IMPORT));
    JobProgress started = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(looked.state()).isEqualTo(JobProgress.State.GONE);
    assertThat(started.state()).isEqualTo(JobProgress.State.RUNNING);
    assertThat(started.detail()).isEqualTo("restarted after a shutdown (2 of 3)");
    assertThat(steps.hasStartedJob()).isTrue();
    assertThat(steps.entries()).singleElement().extracting(StepLog.Entry::outcome)
        .isEqualTo("restarted where it stopped, restart 2 of at most 3");
    assertThat(database.ran).containsOnlyOnce(DataPump.RESTART_BLOCK
        + "  -- binds: WINSTORE_DUMP, rebound_import_run1.log.restarts, 3, REBOUND_IMP_RUN1, SYSTEM");
  }

  @Test
  void shouldLeaveAStoppedJobAsItIsOnceRestartedAsOftenAsAllowed() throws SQLException {
    state = "NOT RUNNING";
    log = SHUTDOWN_LOG;
    StepLog steps = new StepLog();

    JobProgress progress = jobs().startOrAttach(database(IMPORT, 3, false).connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(progress.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(progress.detail()).contains("restarted 3 times already (rebound.oracle.data-pump-restarts=3)",
        "impdp ATTACH=SYSTEM.REBOUND_IMP_RUN1");
    assertThat(steps.hasStartedJob()).isFalse();
  }

  @Test
  void shouldNeverRestartAJobAnOperatorStopped() throws SQLException {
    state = "STOPPED";
    log = "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" stopped by user request at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12";
    FakeConnection database = database(IMPORT, 1, true);
    StepLog steps = new StepLog();

    JobProgress progress = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(progress.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(progress.detail()).startsWith("job REBOUND_IMP_RUN1 was stopped by an operator (STOP_JOB)");
    assertThat(database.ran).noneMatch(sql -> sql.startsWith(DataPump.RESTART_BLOCK));
  }

  @Test
  void shouldCreateTheDirectoryBeforeTheFirstSafetyExportWritesThroughIt() throws SQLException {
    JobSpec export = OracleJobs.safetyExport("WINSTORE_DUMP", "WINSTORE_ADMIN", List.of("WINSTORE_ADMIN", "WINSTORE_APP"), "run-1", 1);
    StepLog steps = new StepLog();

    jobs().startOrAttach(database(export, 0, false).connection(), target(), DataPump.JobParameters.of(export), steps);

    assertThat(statementsRun).extracting(PlannedAction::sql).containsExactly(
        "CREATE OR REPLACE DIRECTORY \"WINSTORE_DUMP\" AS '/opt/oracle/full_backups'",
        "GRANT READ, WRITE ON DIRECTORY \"WINSTORE_DUMP\" TO \"WINSTORE_ADMIN\"");
    assertThat(steps.hasStartedJob()).isTrue();
  }

  @Test
  void shouldNameTheJobsFilesAndLogsAfterTheRun() {
    JobSpec export = OracleJobs.safetyExport("D", "WINSTORE_ADMIN", List.of("WINSTORE_ADMIN"), "5f0c9d2e-e60b-11f1-99b3-02fc00000001", 4);

    assertThat(OracleJobs.jobId("5f0c9d2e-e60b-11f1-99b3-02fc00000001")).isEqualTo("5F0C9D2EE60B");
    assertThat(OracleJobs.jobId("run-1")).isEqualTo("RUN1");
    assertThat(export.name()).isEqualTo("REBOUND_EXP_5F0C9D2EE60B");
    assertThat(export.file()).isEqualTo("rebound_safety_winstore_admin_5f0c9d2ee60b_%U.dmp");
    assertThat(export.setting("logFile")).isEqualTo(OracleJobs.safetyExportLog("5f0c9d2e-e60b-11f1-99b3-02fc00000001"))
        .isEqualTo("rebound_safety_5f0c9d2ee60b.log");
    assertThat(IMPORT.name()).isEqualTo("REBOUND_IMP_RUN1");
    assertThat(IMPORT.setting("logFile")).isEqualTo(OracleJobs.importLog("run-1")).isEqualTo("rebound_import_run1.log");
    assertThat(IMPORT.setting("schemas")).isEqualTo("WINSTORE_ADMIN");
  }

  @Test
  void shouldRefuseANegativeRestartLimit() {
    assertThatThrownBy(() -> new OracleJobs(-1, (target, actions, stepLog) -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rebound.oracle.data-pump-restarts must not be negative");
  }

  @Test
  void shouldAttachToARunningJobAndReadItsProgressAndErrorsSoFar() throws SQLException {
    state = "EXECUTING";
    status = binds -> List.<Object[]>of(new Object[] {null, null, "EXECUTING", 55, "ORA-39171: Job is experiencing a resumable wait.\nORA-01653"});
    FakeConnection database = database(IMPORT, 0, false);
    StepLog steps = new StepLog();

    JobProgress progress = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), steps);

    assertThat(progress.state()).isEqualTo(JobProgress.State.RUNNING);
    assertThat(progress.percent()).isEqualTo(55);
    assertThat(progress.errors()).containsExactly("ORA-39171: Job is experiencing a resumable wait.", "ORA-01653");
    assertThat(progress.detail()).isEqualTo("EXECUTING");
    assertThat(steps.hasStartedJob()).isFalse();
    assertThat(steps.entries()).containsExactly(
        new StepLog.Entry("DBMS_DATAPUMP.ATTACH REBOUND_IMP_RUN1", "attached to the job started earlier (EXECUTING)"));
    assertThat(database.ran).contains(DataPump.STATUS_BLOCK + "  -- binds: REBOUND_IMP_RUN1, SYSTEM")
        .noneMatch(sql -> sql.startsWith(DataPump.startBlock(DataPump.JobParameters.of(IMPORT))));
  }

  @Test
  void shouldReadTheLogOfAJobThatEndedBetweenTheTwoLooks() throws SQLException {
    state = "EXECUTING";
    log = "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" successfully completed at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:04";
    status = binds -> {
      throw new SQLException("ORA-31626: job does not exist", "99999", OracleJobs.JOB_DOES_NOT_EXIST);
    };

    JobProgress progress = jobs().look(database(IMPORT, 0, false).connection(), target(), DataPump.JobParameters.of(IMPORT));

    assertThat(progress.state()).isEqualTo(JobProgress.State.SUCCEEDED);
    assertThat(progress.percent()).isEqualTo(100);
  }

  @Test
  void shouldPassOnAnyOtherErrorOfTheStatusCall() {
    state = "EXECUTING";
    status = binds -> {
      throw new SQLException("ORA-01031: insufficient privileges", "42000", 1031);
    };

    assertThatThrownBy(() -> jobs().look(database(IMPORT, 0, false).connection(), target(), DataPump.JobParameters.of(IMPORT)))
        .isInstanceOf(SQLException.class).hasMessage("ORA-01031: insufficient privileges");
  }

  @Test
  void shouldReportAJobThatEndedWithErrorsFailedAndMoveItsLogAsideSoThatARetryRunsItAgain() throws SQLException {
    log = String.join("\n", "ORA-39083: Object type REF_CONSTRAINT failed to create with error:",
        "ORA-02298: cannot validate (WINSTORE_ADMIN.FK_PRODUCTS_CATEGORY) - parent keys not found",
        "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12");
    FakeConnection database = database(IMPORT, 0, false);

    JobProgress progress = jobs().look(database.connection(), target(), DataPump.JobParameters.of(IMPORT));

    assertThat(progress.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(progress.percent()).isEqualTo(100);
    assertThat(progress.errors()).isNotEmpty();
    assertThat(progress.detail()).endsWith("(1 errors reported)");
    assertThat(log).isNull();
  }

  @Test
  void shouldReportAStoppedJobWhoseLogCannotBeReadOrThatStoppedOnAFatalErrorFailedAndLeaveIt() throws SQLException {
    state = "NOT RUNNING";
    JobProgress unreadable = jobs().look(database(IMPORT, 1, true).connection(), target(), DataPump.JobParameters.of(IMPORT));
    log = String.join("\n", "ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.",
        "Job \"SYSTEM\".\"REBOUND_IMP_RUN1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:01");
    FakeConnection database = database(IMPORT, 1, true);
    JobProgress fatal = jobs().startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), new StepLog());

    assertThat(unreadable.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(unreadable.detail()).startsWith("job REBOUND_IMP_RUN1 is NOT RUNNING and its log rebound_import_run1.log cannot be read");
    assertThat(fatal.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(fatal.detail()).startsWith("job REBOUND_IMP_RUN1 stopped on a fatal error").contains("a restart would meet it again");
    assertThat(database.ran).noneMatch(sql -> sql.startsWith(DataPump.RESTART_BLOCK) || sql.startsWith("BEGIN UTL_FILE.FRENAME"));
    assertThat(log).isNotNull();
  }

  @Test
  void shouldTakeARestartLimitOfNoneAsNeverRestarting() throws SQLException {
    state = "NOT RUNNING";
    log = SHUTDOWN_LOG;
    FakeConnection database = database(IMPORT, 0, false);

    JobProgress progress = new OracleJobs(0, (target, actions, stepLog) -> {})
        .startOrAttach(database.connection(), target(), DataPump.JobParameters.of(IMPORT), new StepLog());

    assertThat(progress.state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(progress.detail()).contains("restarted 0 times already (rebound.oracle.data-pump-restarts=0)");
    assertThat(database.ran).contains(DataPump.RESTART_BLOCK + "  -- binds: WINSTORE_DUMP, rebound_import_run1.log.restarts, 0, REBOUND_IMP_RUN1, SYSTEM");
  }

  private static Target target() {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("xe", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/XEPDB1", "system", "x", null,
        Path.of("/opt/oracle/full_backups"), "WINSTORE_DUMP", null, null, Map.of(), Map.of()));
    return targets.get("xe");
  }
}
