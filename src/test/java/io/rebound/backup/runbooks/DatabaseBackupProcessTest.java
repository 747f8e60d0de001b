package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseBackupProcess.Elements.*;
import static io.rebound.backup.runbooks.DatabaseBackupProcess.Variables.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.repositoryService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import io.rebound.backup.runbooks.BackupSchedules.Schedule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every path of {@code database-backup.bpmn} on an in-memory engine: a backup polled until done, uploaded, its logs
 * shipped (collection polled too), the work directory cleaned after the upload and the local archive pruned; logs
 * only; retention; a failing upload retried and then an incident; and the model with schedules added, whose timer
 * start events are timer jobs that start runs. The steps are stand-ins; what they do is tested elsewhere.
 */
@Deployment(resources = {"processes/database-backup.bpmn", "forms/database-backup-start.form"})
class DatabaseBackupProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("model-test.camunda.cfg.xml").build();

  ProcessEngine processEngine;

  private final List<String> ran = new ArrayList<>();
  private int backupPolls;
  private int logPolls;
  private int uploadFailures;
  private String scheduledTask = "FULL";

  @BeforeEach
  void registerStandIns() {
    processEngine = extension.getProcessEngine();
    BpmnAwareTests.init(processEngine);
    Mocks.register("reboundSteps", new Settings());
    Mocks.register("backupRun", new Run());
    Mocks.register("startBackupDelegate", (JavaDelegate) execution -> {
      ran.add("start");
      execution.setVariable(BACKUP_DONE, backupPolls == 0);
    });
    Mocks.register("checkBackupDelegate", (JavaDelegate) execution -> {
      ran.add("check");
      execution.setVariable(BACKUP_DONE, --backupPolls <= 0);
    });
    Mocks.register("uploadBackupDelegate", (JavaDelegate) execution -> {
      ran.add("upload");
      if (uploadFailures-- > 0) {
        throw new IllegalStateException("bucket unreachable");
      }
    });
    Mocks.register("shipLogsDelegate", (JavaDelegate) execution -> {
      ran.add("ship");
      execution.setVariable(LOGS_SHIPPED, logPolls-- <= 0);
    });
    Mocks.register("cleanWorkDirectoryDelegate", (JavaDelegate) execution -> ran.add("clean"));
    Mocks.register("pruneLocalArchiveDelegate", (JavaDelegate) execution -> ran.add("prune-local"));
    Mocks.register("pruneBackupsDelegate", (JavaDelegate) execution -> ran.add("retention"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  @Test
  void shouldTakeABackupUploadItShipLogsThenCleanAndPrune() {
    backupPolls = 2;
    logPolls = 1;
    ProcessInstance run = start("FULL");
    runJobs(run);

    assertThat(run).hasPassed(START_BACKUP, WAIT_BACKUP, CHECK_BACKUP, UPLOAD_BACKUP, SHIP_LOGS, WAIT_LOGS, CLEAN_WORK_DIRECTORY,
        PRUNE_LOCAL_ARCHIVE, END_BACKED_UP).hasNotPassed(PRUNE_BACKUPS).isEnded();
    assertThat(ran).containsExactly("start", "check", "check", "upload", "ship", "ship", "clean", "prune-local");
  }

  @Test
  void shouldGoStraightToTheUploadWhenTheBackupIsDoneAtOnce() {
    ProcessInstance run = start("INCREMENTAL");
    runJobs(run);

    assertThat(run).hasPassed(START_BACKUP, UPLOAD_BACKUP, END_BACKED_UP).hasNotPassed(CHECK_BACKUP, WAIT_LOGS).isEnded();
    assertThat(ran).containsExactly("start", "upload", "ship", "clean", "prune-local");
  }

  @Test
  void shouldShipLogsOnlyWithoutTakingABackup() {
    ProcessInstance run = start("LOGS");
    runJobs(run);

    assertThat(run).hasPassed(SHIP_LOGS, CLEAN_WORK_DIRECTORY, PRUNE_LOCAL_ARCHIVE, END_BACKED_UP).hasNotPassed(START_BACKUP, UPLOAD_BACKUP)
        .isEnded();
    assertThat(ran).containsExactly("ship", "clean", "prune-local");
  }

  @Test
  void shouldApplyRetentionAlone() {
    ProcessInstance run = start("PRUNE");
    runJobs(run);

    assertThat(run).hasPassed(PRUNE_BACKUPS, END_PRUNED).hasNotPassed(START_BACKUP, SHIP_LOGS).isEnded();
    assertThat(ran).containsExactly("retention");
  }

  @Test
  void shouldNeverCleanTheWorkDirectoryBeforeTheUploadSucceededAndRaiseAnIncidentWhenRetriesRunOut() {
    uploadFailures = 3;
    ProcessInstance run = start("FULL");
    runJobs(run);

    Job upload = managementService().createJobQuery().processInstanceId(run.getId()).activityId(UPLOAD_BACKUP).singleResult();
    assertThat(upload.getRetries()).isZero();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId()).isEqualTo(UPLOAD_BACKUP);
    assertThat(ran).containsExactly("start", "upload", "upload", "upload");

    managementService().setJobRetries(upload.getId(), 1);
    runJobs(run);
    assertThat(run).hasPassed(CLEAN_WORK_DIRECTORY, END_BACKED_UP).isEnded();
    assertThat(ran.indexOf("clean")).isGreaterThan(ran.lastIndexOf("upload"));
  }

  @Test
  void shouldStartScheduledRunsFromAProcessPerScheduleWhoseStartEventIsItsTimer() throws IOException {
    Schedule full = new Schedule(BackupSchedules.eventId("orders", BackupTask.FULL), "orders", BackupTask.FULL, "0 0 1 ? * SUN");
    Schedule logs = new Schedule(BackupSchedules.eventId("orders", BackupTask.LOGS), "orders", BackupTask.LOGS, "R/PT5M");
    byte[] original;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(DatabaseBackupProcess.RESOURCE)) {
      original = in.readAllBytes();
    }
    String deployment = repositoryService().createDeployment()
        .addInputStream(full.processKey() + ".bpmn", new ByteArrayInputStream(BackupScheduleDeployer.scheduleModel(original, full)))
        .addInputStream(logs.processKey() + ".bpmn", new ByteArrayInputStream(BackupScheduleDeployer.scheduleModel(original, logs)))
        .deploy().getId();
    try {
      assertThat(managementService().createJobDefinitionQuery().jobType("timer-start-event").list())
          .extracting(definition -> definition.getProcessDefinitionKey() + " " + definition.getActivityId())
          .containsExactlyInAnyOrder("database-backup.full.orders StartEvent_Schedule_FULL_orders",
              "database-backup.logs.orders StartEvent_Schedule_LOGS_orders");
      assertThat(managementService().createJobQuery().timers().processDefinitionKey(full.processKey()).count()).isEqualTo(1);

      scheduledTask = "LOGS";
      Job timer = managementService().createJobQuery().timers().processDefinitionKey(logs.processKey()).singleResult();
      managementService().executeJob(timer.getId());
      ProcessInstance run = runtimeService().createProcessInstanceQuery().processDefinitionKey(logs.processKey()).singleResult();
      runJobs(run);
      assertThat(run).hasPassed("StartEvent_Schedule_LOGS_orders", SHIP_LOGS, END_BACKED_UP).hasNotPassed(START_BACKUP).isEnded();
      assertThat(ran).containsExactly("ship", "clean", "prune-local");
      assertThat(managementService().createJobQuery().timers().processDefinitionKey(logs.processKey()).count())
          .as("a cycle's timer is there again for its next time").isEqualTo(1);
    } finally {
      repositoryService().deleteDeployment(deployment, true);
    }
  }

  private ProcessInstance start(String type) {
    // The runbook core is not in this engine: the request its start would store is read by the stand-in of backupRun.
    Map<String, Object> variables = new HashMap<>();
    variables.put(TARGET, "orders");
    variables.put(TYPE, type);
    return runtimeService().startProcessInstanceByKey(DatabaseBackupProcess.KEY, variables);
  }

  /** Runs the run's jobs (timers included, whatever their due date) until none is left with retries. */
  private void runJobs(ProcessInstance run) {
    for (int i = 0; i < 100; i++) {
      Job next = managementService().createJobQuery().processInstanceId(run.getId()).withRetriesLeft().list().stream().findFirst()
          .orElse(null);
      if (next == null) {
        return;
      }
      try {
        managementService().executeJob(next.getId());
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("bucket unreachable");
      }
    }
    throw new AssertionError("the run did not settle within 100 jobs");
  }

  /** What the gateways read of the request. */
  public class Run {
    public String task(DelegateExecution execution) {
      Object type = execution.getVariable(TYPE);
      return type == null ? scheduledTask : (String) type;
    }

    public boolean takesBackup(DelegateExecution execution) {
      String task = task(execution);
      return task.equals("FULL") || task.equals("INCREMENTAL");
    }
  }

  /** The step settings the model reads through {@code ${reboundSteps...}}. */
  public static class Settings {
    public String getRetryCycle() {
      return "R3/PT1S";
    }

    public String getPollInterval() {
      return "PT5S";
    }
  }
}
