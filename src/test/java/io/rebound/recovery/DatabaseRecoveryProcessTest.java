package io.rebound.recovery;

import static io.rebound.recovery.DatabaseRecoveryProcess.Elements.*;
import static io.rebound.recovery.DatabaseRecoveryProcess.Variables.*;
import static io.rebound.testsupport.ProcessDriving.runJobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import io.rebound.testsupport.ProcessDriving;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every outcome of the strategy table and every path of {@code database-recovery.bpmn} on an in-memory engine. The
 * dialect's triage is a stand-in giving the picture of each case; the decision is the real table's and the variables
 * the model routes on are written by the real triage step's code. The other steps are stand-ins; the guard of the
 * approved pass and the PostgreSQL steps are tested with the whole application.
 */
@Deployment(resources = {"processes/database-recovery.bpmn", "forms/database-recovery-start.form", "forms/database-recovery-approval.form"})
class DatabaseRecoveryProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder().configurationResource("model-test.camunda.cfg.xml").build();

  private static final LogArchiving ARCHIVELOG = new LogArchiving(true, "ARCHIVELOG");
  private static final LogArchiving NOARCHIVELOG = new LogArchiving(false, "NOARCHIVELOG");

  private final RecoveryStrategyTable table = new RecoveryStrategyTable();
  private final List<String> ran = new ArrayList<>();
  private Triage picture;
  private String triageError;
  private String planError;
  private String recheckError;
  private int recoveryPolls;
  private int recoveryFailures;

  @BeforeEach
  void registerStandIns() {
    BpmnAwareTests.init(extension.getProcessEngine());
    Mocks.register("reboundSteps", new ProcessDriving.StepSettings());
    Mocks.register("triageDatabaseDelegate", (JavaDelegate) execution -> {
      ran.add("triage");
      if (triageError != null) {
        throw new BpmnError(DatabaseRecoveryProcess.Errors.NOT_RECOVERABLE, triageError);
      }
      boolean point = !"latest".equals(execution.getVariable(POINT_IN_TIME));
      RecoverySteps.record(execution, new DatabaseRecoveryService.Assessment(picture, table.decide(picture, point)));
    });
    Mocks.register("verifyInstanceRecoveryDelegate", (JavaDelegate) execution -> ran.add("verify-instance"));
    Mocks.register("planDatabaseRecoveryDelegate", (JavaDelegate) execution -> {
      ran.add("plan");
      if (planError != null) {
        throw new BpmnError(DatabaseRecoveryProcess.Errors.NOT_RECOVERABLE, planError);
      }
    });
    Mocks.register("recheckDatabaseRecoveryDelegate", (JavaDelegate) execution -> {
      ran.add("recheck");
      if (recheckError != null) {
        throw new BpmnError(DatabaseRecoveryProcess.Errors.PICTURE_CHANGED, recheckError);
      }
    });
    Mocks.register("startMediaRecoveryDelegate", (JavaDelegate) execution -> {
      ran.add("recover");
      if (recoveryFailures-- > 0) {
        throw new IllegalStateException("restore failed");
      }
      execution.setVariable(RECOVERY_DONE, recoveryPolls == 0);
    });
    Mocks.register("checkMediaRecoveryDelegate", (JavaDelegate) execution -> {
      ran.add("poll");
      execution.setVariable(RECOVERY_DONE, --recoveryPolls <= 0);
    });
    Mocks.register("verifyDatabaseRecoveryDelegate", (JavaDelegate) execution -> ran.add("verify"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private static AffectedFile file(String path, FileKind kind, boolean locationUsable) {
    return new AffectedFile(path, kind == FileKind.SYSTEM ? "SYSTEM" : "USERS", kind, null, locationUsable, "missing");
  }

  private static Triage damaged(RestoreUnit unit, LogArchiving logs, AffectedFile... files) {
    return new Triage(true, false, null, List.of(files), unit, logs, List.of("ORA-01157: cannot identify/lock data file 4"), List.of());
  }

  @Test
  void shouldEndWithInstanceRecoveryOnlyWhenTheDatabaseOpenedClean() {
    picture = new Triage(true, true, "crash recovery replayed WAL from 0/1789218 to 0/178B690", List.of(), RestoreUnit.NONE, ARCHIVELOG,
        List.of(), List.of());
    ProcessInstance run = start("latest");
    runJobs(run, APPROVAL_EXPIRED, "restore failed");

    assertThat(run).hasPassed(TRIAGE, VERIFY_INSTANCE, END_INSTANCE_RECOVERED).hasNotPassed(PLAN, APPROVE).isEnded();
    assertThat(ran).containsExactly("triage", "verify-instance");
  }

  @Test
  void shouldRestoreOneDatafileAtItsPlaceAfterApproval() {
    picture = damaged(RestoreUnit.FILE, ARCHIVELOG, file("/u02/users01.dbf", FileKind.DATA, true));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_DATAFILE, false, false, true, "none");
    assertThat(run).hasPassed(PLAN, APPROVE, RECHECK, START_RECOVERY, VERIFY, END_RECOVERED).isEnded();
    assertThat(ran).containsExactly("triage", "plan", "recheck", "recover", "verify");
  }

  @Test
  void shouldRelocateADatafileWhoseDirectoryIsGone() {
    picture = damaged(RestoreUnit.FILE, ARCHIVELOG, file("/u02/users01.dbf", FileKind.DATA, false));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_DATAFILE_RELOCATED, false, true, true, "none");
    assertThat(run).hasPassed(END_RECOVERED).isEnded();
  }

  @Test
  void shouldMountTheDatabaseWhenSystemIsDamaged() {
    picture = damaged(RestoreUnit.FILE, ARCHIVELOG, file("/u01/system01.dbf", FileKind.SYSTEM, true));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_MOUNTED, true, false, true, "none");
    assertThat(run).hasPassed(END_RECOVERED).isEnded();
  }

  @Test
  void shouldRecoverATablespaceOffline() {
    picture = damaged(RestoreUnit.TABLESPACE, ARCHIVELOG, file("/u02/users01.dbf", FileKind.DATA, true),
        file("/u02/users02.dbf", FileKind.INDEX, true));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_TABLESPACE, false, false, true, "none");
  }

  @Test
  void shouldRestoreAWholeClusterCompletely() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_DATABASE, true, false, true, "none");
    assertThat(run).hasPassed(END_RECOVERED).isEnded();
  }

  @Test
  void shouldRecoverIncompletelyToThePointAskedFor() {
    picture = damaged(RestoreUnit.FILE, ARCHIVELOG, file("/u02/users01.dbf", FileKind.DATA, true));
    ProcessInstance run = approvedRun("2026-11-30T14:05:00Z");

    assertDecided(run, Strategy.POINT_IN_TIME, true, false, false, "after the point");
    assertThat(run).hasPassed(END_RECOVERED).isEnded();
  }

  @Test
  void shouldRestoreTheLastBackupWithoutArchivedLogs() {
    picture = damaged(RestoreUnit.FILE, NOARCHIVELOG, file("/u02/users01.dbf", FileKind.DATA, true));
    ProcessInstance run = approvedRun("latest");

    assertDecided(run, Strategy.RESTORE_LAST_BACKUP, true, false, false, "after the last backup");
    assertThat(run).hasPassed(END_RECOVERED).isEnded();
  }

  @Test
  void shouldPollTheRecoveryUntilItIsDone() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    recoveryPolls = 2;
    ProcessInstance run = approvedRun("latest");

    assertThat(run).hasPassed(WAIT_RECOVERY, CHECK_RECOVERY, END_RECOVERED).isEnded();
    assertThat(ran).containsExactly("triage", "plan", "recheck", "recover", "poll", "poll", "verify");
  }

  @Test
  void shouldEndRejectedWithoutTouchingAnything() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    ProcessInstance run = start("latest");
    runJobs(run, APPROVAL_EXPIRED, "restore failed");
    assertThat(run).isWaitingAt(APPROVE);
    assertThat(task(run)).hasCandidateGroup("rebound-approvers");
    complete(task(run), withVariables("approved", false, "comment", "not now"));

    assertThat(run).hasPassed(END_REJECTED).hasNotPassed(RECHECK, START_RECOVERY).isEnded();
    assertThat(ran).containsExactly("triage", "plan");
  }

  @Test
  void shouldExpireAnUnansweredApproval() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    ProcessInstance run = start("latest");
    runJobs(run, APPROVAL_EXPIRED, "restore failed");
    Job timeout = managementService().createJobQuery().processInstanceId(run.getId()).activityId(APPROVAL_EXPIRED).singleResult();
    managementService().executeJob(timeout.getId());

    assertThat(run).hasPassed(END_EXPIRED).hasNotPassed(RECHECK).isEnded();
  }

  @Test
  void shouldRefuseWhenTheTriageAfterTheApprovalFindsAnotherPicture() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    recheckError = "another file is missing since the approval";
    ProcessInstance run = approvedRun("latest");

    assertThat(run).hasPassed(RECHECK, END_PICTURE_CHANGED).hasNotPassed(START_RECOVERY).isEnded();
    assertThat(ran).containsExactly("triage", "plan", "recheck");
  }

  @Test
  void shouldEndNotRecoverableWhenTriageCannotTellWhatIsDamaged() {
    triageError = "the server does not start and its log names no file";
    ProcessInstance run = start("latest");
    runJobs(run, APPROVAL_EXPIRED, "restore failed");

    assertThat(run).hasPassed(END_NOT_RECOVERABLE).hasNotPassed(PLAN).isEnded();
  }

  @Test
  void shouldEndNotRecoverableWhenNoBackupCanRecoverIt() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    planError = "no FULL backup in the catalog";
    ProcessInstance run = start("latest");
    runJobs(run, APPROVAL_EXPIRED, "restore failed");

    assertThat(run).hasPassed(PLAN, END_NOT_RECOVERABLE).hasNotPassed(APPROVE).isEnded();
  }

  @Test
  void shouldRaiseAnIncidentWhenTheRecoveryKeepsFailing() {
    picture = damaged(RestoreUnit.WHOLE, ARCHIVELOG, file("base/5/16384", FileKind.DATA, true));
    recoveryFailures = 3;
    ProcessInstance run = approvedRun("latest");

    Job recovery = managementService().createJobQuery().processInstanceId(run.getId()).activityId(START_RECOVERY).singleResult();
    assertThat(recovery.getRetries()).isZero();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId())
        .isEqualTo(START_RECOVERY);
    assertThat(ran).doesNotContain("verify");
  }

  @Test
  void shouldNameOnlyElementsThatExist() throws IllegalAccessException {
    BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("processes", DatabaseRecoveryProcess.KEY + ".bpmn").toFile());
    for (Class<?> constants : List.of(DatabaseRecoveryProcess.Elements.class, DatabaseRecoveryProcess.Errors.class)) {
      for (Field field : constants.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
          String id = (String) field.get(null);
          assertThat((Object) model.getModelElementById(id)).as(constants.getSimpleName() + "." + field.getName()).isNotNull();
        }
      }
    }
  }

  private void assertDecided(ProcessInstance run, Strategy strategy, boolean mount, boolean rename, boolean complete, String dataLoss) {
    assertThat(run).variables().containsEntry(STRATEGY, strategy.name()).containsEntry(MOUNT_NEEDED, mount)
        .containsEntry(RENAME_NEEDED, rename).containsEntry(COMPLETE, complete).containsEntry(DATA_LOSS, dataLoss)
        .containsEntry(FILES_AFFECTED, picture.files().size());
  }

  private ProcessInstance approvedRun(String point) {
    ProcessInstance run = start(point);
    runJobs(run, APPROVAL_EXPIRED, "restore failed");
    assertThat(run).isWaitingAt(APPROVE);
    assertThat(ran).containsExactly("triage", "plan");
    complete(task(run), withVariables("approved", true, "comment", "checked"));
    runJobs(run, APPROVAL_EXPIRED, "restore failed");
    return run;
  }

  private ProcessInstance start(String point) {
    return runtimeService().startProcessInstanceByKey(DatabaseRecoveryProcess.KEY, Map.of(TARGET, "orders", POINT_IN_TIME, point));
  }
}
