package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Elements.*;
import static io.rebound.runbook.Approval.APPROVED;
import static io.rebound.runbook.Approval.COMMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import io.rebound.repair.WorkstationRepairProcess.Variables;
import java.util.ArrayList;
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
 * Every path of {@code workstation-repair.bpmn} on an in-memory engine, the steps replaced by stand-ins that
 * set what the real delegates set. What the steps do is tested on a real workstation in {@link WorkstationRepairIT}.
 */
@Deployment(resources = {"processes/workstation-repair.bpmn", "processes/workstation-needs-repair.dmn", "forms/workstation-repair-start.form",
    "forms/workstation-repair-approval.form"})
class WorkstationRepairProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("model-test.camunda.cfg.xml").build();

  ProcessEngine processEngine;

  private final List<String> ran = new ArrayList<>();
  private boolean needsRepair = true;
  private int fetchesUntilComplete = 1;
  private int ownChecksUntilComplete = 1;
  private int applyFailuresLeft;
  private boolean planChanged;

  @BeforeEach
  void registerStandIns() {
    processEngine = extension.getProcessEngine();
    BpmnAwareTests.init(processEngine);
    Mocks.register("reboundSteps", new Settings());
    Mocks.register("repairRun", new RequestStandIn());
    Mocks.register("diagnoseWorkstationDelegate", step("diagnose", e -> e.setVariable(Variables.NEEDS_REPAIR, needsRepair)));
    Mocks.register("markRepairStartedDelegate", step("mark", e -> { }));
    Mocks.register("withdrawRepairMarkDelegate", step("withdraw", e -> { }));
    Mocks.register("recheckRepairPlanDelegate", step("recheck", e -> e.setVariable(io.rebound.runbook.Plans.PLAN_CHANGED, planChanged)));
    Mocks.register("restoreQueuesDelegate", step("restore-queues", e -> { }));
    Mocks.register("fetchFromServerDelegate", step("fetch", e -> e.setVariable(Variables.SERVER_REPLICAS_COMPLETE, --fetchesUntilComplete <= 0)));
    Mocks.register("awaitOwnReplicasDelegate", step("await-own", e -> e.setVariable(Variables.OWN_REPLICAS_COMPLETE, --ownChecksUntilComplete <= 0)));
    Mocks.register("applyQueInDelegate", step("apply-que-in", e -> {
      if (applyFailuresLeft > 0) {
        applyFailuresLeft--;
        throw new IllegalStateException("connection to the workstation lost");
      }
    }));
    Mocks.register("applyUnsentQueOutDelegate", step("apply-que-out", e -> { }));
    Mocks.register("repairGeneratorsDelegate", step("generators", e -> { }));
    Mocks.register("repairMarksDelegate", step("marks", e -> { }));
    Mocks.register("removeRepairMarkDelegate", step("remove-mark", e -> { }));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance start(boolean approvalRequired) {
    return runtimeService().startProcessInstanceByKey(WorkstationRepairProcess.KEY,
        Map.of(Variables.WORKSTATION, "branch-17", Variables.APPROVAL_REQUIRED, approvalRequired));
  }

  @Test
  void shouldRunEveryStepInTheSeedsOrderOnceApproved() {
    ProcessInstance run = start(true);
    execute(job(run));
    execute(job(run));
    assertThat(run).isWaitingAt(APPROVE_REPAIR);
    assertThat(task(run)).hasCandidateGroup("rebound-approvers");
    assertThat(ran).containsExactly("diagnose", "mark");

    complete(task(run), withVariables(APPROVED, true, COMMENT, "checked"));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassedInOrder(DIAGNOSE, MARK_REPAIR_STARTED, APPROVE_REPAIR, RECHECK_PLAN, RESTORE_QUEUES, FETCH_FROM_SERVER,
        AWAIT_OWN_REPLICAS, APPLY_QUE_IN, APPLY_UNSENT_QUE_OUT, REPAIR_GENERATORS, REPAIR_MARKS, REMOVE_REPAIR_MARK, END_REPAIRED).isEnded();
    assertThat(ran).containsExactly("diagnose", "mark", "recheck", "restore-queues", "fetch", "await-own", "apply-que-in", "apply-que-out", "generators",
        "marks", "remove-mark");
  }

  @Test
  void shouldEndAtOnceWhenNoRepairIsNeeded() {
    needsRepair = false;
    ProcessInstance run = start(true);
    execute(job(run));

    assertThat(run).hasPassed(END_NO_REPAIR_NEEDED).hasNotPassed(MARK_REPAIR_STARTED).isEnded();
    assertThat(ran).containsExactly("diagnose");
  }

  @Test
  void shouldRepairWithoutApprovalWhereTheWorkstationIsUnattended() {
    ProcessInstance run = start(false);
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(REMOVE_REPAIR_MARK, END_REPAIRED).hasNotPassed(APPROVE_REPAIR, RECHECK_PLAN).isEnded();
  }

  @Test
  void shouldWithdrawTheMarkAndChangeNothingWhenRejected() {
    ProcessInstance run = start(true);
    execute(job(run));
    execute(job(run));
    complete(task(run), withVariables(APPROVED, false, COMMENT, "not this one"));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(WITHDRAW_MARK, END_REJECTED).hasNotPassed(RESTORE_QUEUES).isEnded();
    assertThat(ran).containsExactly("diagnose", "mark", "withdraw");
  }

  @Test
  void shouldRefuseTheRunAndWithdrawTheMarkWhenTheRecheckFindsTheApprovedPlanNoLongerHolds() {
    planChanged = true;
    ProcessInstance run = start(true);
    execute(job(run));
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true, COMMENT, "checked"));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassedInOrder(RECHECK_PLAN, WITHDRAW_MARK_AFTER_CHANGE, END_PLAN_CHANGED).hasNotPassed(RESTORE_QUEUES).isEnded();
    assertThat(ran).containsExactly("diagnose", "mark", "recheck", "withdraw");
  }

  @Test
  void shouldWithdrawTheMarkWhenTheApprovalExpires() {
    ProcessInstance run = start(true);
    execute(job(run));
    execute(job(run));
    Job timer = managementService().createJobQuery().processInstanceId(run.getId()).timers().singleResult();
    assertThat(timer.getDuedate()).isAfter(new java.util.Date(System.currentTimeMillis() + 23 * 3600_000L));
    execute(timer);
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(WITHDRAW_MARK_AFTER_EXPIRY, END_EXPIRED).hasNotPassed(RESTORE_QUEUES).isEnded();
  }

  @Test
  void shouldWaitOnTheRetransmissionTimerUntilTheServerHasSentWhatWasMissing() {
    fetchesUntilComplete = 3;
    ownChecksUntilComplete = 2;
    ProcessInstance run = start(false);
    for (int i = 0; i < 4; i++) {
      execute(job(run)); // diagnose, mark, restore queues, fetch
    }
    assertThat(run).isWaitingAt(RETRANSMISSION_WAIT);
    Job timer = managementService().createJobQuery().processInstanceId(run.getId()).timers().singleResult();
    assertThat(timer.getDuedate()).isAfter(new java.util.Date(System.currentTimeMillis() + 50_000));
    execute(timer);
    execute(job(run));
    assertThat(run).isWaitingAt(RETRANSMISSION_WAIT);
    execute(job(run));
    execute(job(run));
    assertThat(run).isWaitingAt(AWAIT_OWN_REPLICAS);
    execute(job(run));
    assertThat(run).isWaitingAt(OWN_REPLICAS_WAIT);
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(END_REPAIRED).isEnded();
    assertThat(ran.stream().filter("fetch"::equals).count()).isEqualTo(3);
    assertThat(ran.stream().filter("await-own"::equals).count()).isEqualTo(2);
  }

  @Test
  void shouldRaiseAnIncidentWhenApplyingFailsPastItsRetriesAndGoOnAfterARetry() {
    applyFailuresLeft = 10;
    ProcessInstance run = start(false);
    runJobsUntilWaitingOrEnded(run);
    Job failed = managementService().createJobQuery().processInstanceId(run.getId()).noRetriesLeft().singleResult();
    assertThat(failed).isNotNull();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId()).isEqualTo(APPLY_QUE_IN);

    applyFailuresLeft = 0;
    managementService().setJobRetries(failed.getId(), 1);
    runJobsUntilWaitingOrEnded(run);
    assertThat(run).hasPassed(APPLY_UNSENT_QUE_OUT, END_REPAIRED).isEnded();
  }

  private void runJobsUntilWaitingOrEnded(ProcessInstance run) {
    for (int i = 0; i < 50; i++) {
      boolean waitingForPerson = processEngine.getTaskService().createTaskQuery().processInstanceId(run.getId()).count() > 0;
      Job next = managementService().createJobQuery().processInstanceId(run.getId()).withRetriesLeft().list().stream()
          .findFirst().orElse(null);
      if (waitingForPerson || next == null) {
        return;
      }
      try {
        managementService().executeJob(next.getId());
      } catch (IllegalStateException failed) {
        // the engine lowered its retries; the loop runs it again until they run out
      }
    }
    throw new AssertionError("the run did not settle within 50 jobs");
  }

  private JavaDelegate step(String name, JavaDelegate body) {
    return execution -> {
      ran.add(name);
      body.execute(execution);
    };
  }

  /** What the model asks of the run's request, read here from the start variables (the runbook core is not in this engine). */
  public static class RequestStandIn {
    public boolean approvalRequired(DelegateExecution execution) {
      return (Boolean) execution.getVariable(Variables.APPROVAL_REQUIRED);
    }

    public String retransmissionWait(DelegateExecution execution) {
      return "PT1M";
    }
  }

  public static class Settings {
    public String getRetryCycle() {
      return "R2/PT1S";
    }

    public String getApprovalTimeout() {
      return "PT24H";
    }
  }
}
