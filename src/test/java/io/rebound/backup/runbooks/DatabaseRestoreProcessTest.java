package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Elements.*;
import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Variables.*;
import static io.rebound.testsupport.ProcessDriving.runJobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import io.rebound.runbook.Plans;
import io.rebound.testsupport.ProcessDriving;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
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
 * Every path of {@code database-restore.bpmn} on an in-memory engine: planned, approved, rechecked, pieces checked,
 * restored (polled) and verified; rejected; expired; a plan changed at the recheck goes back to approval; a failing
 * restore raises an incident after its retries. The steps are stand-ins; the guard of the approved pass is tested
 * with the whole application.
 */
@Deployment(resources = {"processes/database-restore.bpmn", "forms/database-restore-start.form", "forms/database-restore-approval.form"})
class DatabaseRestoreProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("model-test.camunda.cfg.xml").build();

  ProcessEngine processEngine;

  private final List<String> ran = new ArrayList<>();
  private int restorePolls;
  private int planChanges;
  private int restoreFailures;

  @BeforeEach
  void registerStandIns() {
    processEngine = extension.getProcessEngine();
    BpmnAwareTests.init(processEngine);
    Mocks.register("reboundSteps", new ProcessDriving.StepSettings());
    Mocks.register("planDatabaseRestoreDelegate", (JavaDelegate) execution -> ran.add("plan"));
    Mocks.register("recheckDatabaseRestorePlanDelegate", (JavaDelegate) execution -> {
      ran.add("recheck");
      execution.setVariable(Plans.PLAN_CHANGED, planChanges-- > 0);
    });
    Mocks.register("checkPiecesDelegate", (JavaDelegate) execution -> ran.add("check-pieces"));
    Mocks.register("startDatabaseRestoreDelegate", (JavaDelegate) execution -> {
      ran.add("start");
      if (restoreFailures-- > 0) {
        throw new IllegalStateException("pg_ctl failed");
      }
      execution.setVariable(RESTORE_DONE, restorePolls == 0);
    });
    Mocks.register("checkDatabaseRestoreDelegate", (JavaDelegate) execution -> {
      ran.add("poll");
      execution.setVariable(RESTORE_DONE, --restorePolls <= 0);
    });
    Mocks.register("verifyDatabaseRestoreDelegate", (JavaDelegate) execution -> ran.add("verify"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  @Test
  void shouldRestoreOnlyAfterApprovalPollingTheRestoreUntilDone() {
    restorePolls = 2;
    ProcessInstance run = start();
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    assertThat(run).isWaitingAt(APPROVE);
    assertThat(task(run)).hasCandidateGroup("rebound-approvers");
    assertThat(ran).containsExactly("plan");

    complete(task(run), withVariables("approved", true, "comment", "checked"));
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");

    assertThat(run).hasPassed(RECHECK_PLAN, CHECK_PIECES, START_RESTORE, WAIT_RESTORE, CHECK_RESTORE, VERIFY, END_RESTORED).isEnded();
    assertThat(ran).containsExactly("plan", "recheck", "check-pieces", "start", "poll", "poll", "verify");
  }

  @Test
  void shouldEndRejectedWithoutTouchingAnything() {
    ProcessInstance run = start();
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    complete(task(run), withVariables("approved", false, "comment", "wrong point"));

    assertThat(run).hasPassed(END_REJECTED).hasNotPassed(RECHECK_PLAN, START_RESTORE).isEnded();
    assertThat(ran).containsExactly("plan");
  }

  @Test
  void shouldExpireAnUnansweredApproval() {
    ProcessInstance run = start();
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    Job timeout = managementService().createJobQuery().processInstanceId(run.getId()).activityId(APPROVAL_EXPIRED).singleResult();
    managementService().executeJob(timeout.getId());

    assertThat(run).hasPassed(END_EXPIRED).hasNotPassed(RECHECK_PLAN).isEnded();
  }

  @Test
  void shouldGoBackToApprovalWhenThePlanChangedSinceTheApproval() {
    planChanges = 1;
    ProcessInstance run = start();
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    complete(task(run), withVariables("approved", true, "comment", "ok"));
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");

    assertThat(run).isWaitingAt(APPROVE);
    assertThat(ran).containsExactly("plan", "recheck");
    complete(task(run), withVariables("approved", true, "comment", "ok again"));
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    assertThat(run).hasPassed(END_RESTORED).isEnded();
    assertThat(ran).containsExactly("plan", "recheck", "recheck", "check-pieces", "start", "verify");
  }

  @Test
  void shouldRaiseAnIncidentWhenTheRestoreKeepsFailing() {
    restoreFailures = 3;
    ProcessInstance run = start();
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");
    complete(task(run), withVariables("approved", true, "comment", "ok"));
    runJobs(run, APPROVAL_EXPIRED, "pg_ctl failed");

    Job restore = managementService().createJobQuery().processInstanceId(run.getId()).activityId(START_RESTORE).singleResult();
    assertThat(restore.getRetries()).isZero();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId()).isEqualTo(START_RESTORE);
    assertThat(ran).doesNotContain("verify");
  }

  private ProcessInstance start() {
    return runtimeService().startProcessInstanceByKey(DatabaseRestoreProcess.KEY,
        Map.of(TARGET, "orders", POINT_IN_TIME, "latest", DESTINATION, "orders"));
  }
}
