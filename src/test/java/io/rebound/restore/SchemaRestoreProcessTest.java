package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Elements.*;
import static io.rebound.restore.SchemaRestoreProcess.Variables.*;
import static io.rebound.runbook.Approval.APPROVED;
import static io.rebound.runbook.Approval.COMMENT;
import static io.rebound.runbook.Plans.PLAN_CHANGED;
import static io.rebound.runbook.Plans.PLAN_HASH;
import static io.rebound.runbook.RunVariables.PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import io.rebound.testsupport.ProcessDriving;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
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
 * Every path of {@code schema-restore.bpmn} on an in-memory engine, the steps replaced by stand-ins that
 * set what the real delegates set. What the steps do is tested against a real PostgreSQL elsewhere.
 */
@Deployment(resources = {"processes/schema-restore.bpmn", "forms/schema-restore-start.form", "forms/schema-restore-approval.form",
    "stubs/table-compare-stub.bpmn"})
class SchemaRestoreProcessTest {

  // Not camunda.cfg.xml: that name would make ProcessEngines build this in-memory engine in the Spring tests too.
  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("model-test.camunda.cfg.xml").build();

  ProcessEngine processEngine;

  private final List<String> ran = new ArrayList<>();
  private final AtomicInteger planChecks = new AtomicInteger();
  private int planChangesToReport;
  private boolean dumpMissing;
  private int resetFailuresLeft;
  private int importPollsUntilDone;
  private boolean referenceMatches = true;

  @BeforeEach
  void registerStandIns() {
    processEngine = extension.getProcessEngine();
    BpmnAwareTests.init(processEngine);
    Mocks.register("reboundSteps", new ProcessDriving.StepSettings());
    Mocks.register("restoreRun", new RequestStandIn());
    Mocks.register("preflightDelegate", step("preflight", execution -> {
      if (dumpMissing) {
        throw new BpmnError(SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, "no such dump");
      }
      execution.setVariable(PLAN_HASH, "hash-1");
    }));
    Mocks.register("recheckPlanDelegate", step("recheck-plan", execution -> {
      planChecks.incrementAndGet();
      boolean changed = planChangesToReport-- > 0;
      execution.setVariable(PLAN_CHANGED, changed);
      if (changed) {
        execution.setVariable(PLAN_HASH, "hash-" + (planChecks.get() + 1));
      }
    }));
    Mocks.register("startSafetyExportDelegate", step("start-export", execution -> execution.setVariable(SAFETY_EXPORT_DONE, false)));
    Mocks.register("checkSafetyExportDelegate", step("check-export", execution -> execution.setVariable(SAFETY_EXPORT_DONE, true)));
    Mocks.register("resetSchemaDelegate", step("reset", execution -> {
      if (resetFailuresLeft > 0) {
        resetFailuresLeft--;
        throw new IllegalStateException("ORA-01940: cannot drop a user that is currently connected");
      }
    }));
    Mocks.register("bootstrapUsersDelegate", step("bootstrap", execution -> { }));
    Mocks.register("startImportDelegate", step("start-import", execution -> execution.setVariable(IMPORT_DONE, false)));
    Mocks.register("checkImportDelegate", step("check-import", execution -> {
      importPollsUntilDone--;
      execution.setVariable(IMPORT_DONE, importPollsUntilDone <= 0);
      execution.setVariable(PROGRESS, importPollsUntilDone <= 0 ? 100 : 50);
    }));
    Mocks.register("verifyDelegate", step("verify", execution -> { }));
        Mocks.register("comparisonStub", step("compare", execution -> {
      assertThat(execution.getVariable("source")).isEqualTo("reference");
      assertThat(execution.getVariable("destination")).isEqualTo("demo");
      assertThat(execution.getVariable("tables")).isEqualTo("winstore_admin.products");
      execution.setVariable("comparisonId", "comparison-1");
    }));
    Mocks.register("checkReferenceDelegate", step("check-reference", execution -> {
      assertThat(execution.getVariable(COMPARISON_ID)).isEqualTo("comparison-1");
      execution.setVariable(MATCHES_REFERENCE, referenceMatches);
    }));
    importPollsUntilDone = 2;
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  @Test
  void shouldRestoreWhenApproved() {
    ProcessInstance run = start(true);
    execute(job(run));
    assertThat(run).isWaitingAt(APPROVE_RESET);
    assertThat(task(run)).hasCandidateGroup("rebound-approvers");

    complete(task(run), withVariables(APPROVED, true, COMMENT, "checked the plan"));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassedInOrder(PREFLIGHT, APPROVE_RESET, RECHECK_PLAN, START_SAFETY_EXPORT, CHECK_SAFETY_EXPORT,
        RESET_SCHEMA, BOOTSTRAP_USERS, START_IMPORT, CHECK_IMPORT, VERIFY, END_RESTORED).isEnded();
    assertThat(ran).containsSubsequence("preflight", "recheck-plan", "start-export", "check-export", "reset", "bootstrap",
        "start-import", "check-import", "check-import", "verify");
  }

  @Test
  void shouldSkipSafetyExportWhenSwitchedOff() {
    ProcessInstance run = start(false);
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(RESET_SCHEMA, END_RESTORED).hasNotPassed(START_SAFETY_EXPORT).isEnded();
  }

  @Test
  void shouldEndRejectedWithoutTouchingTheTarget() {
    ProcessInstance run = start(true);
    execute(job(run));
    complete(task(run), withVariables(APPROVED, false, COMMENT, "wrong dump"));

    assertThat(run).hasPassed(END_REJECTED).hasNotPassed(RECHECK_PLAN, RESET_SCHEMA).isEnded();
    assertThat(ran).containsExactly("preflight");
  }

  @Test
  void shouldExpireAnUnansweredApproval() {
    ProcessInstance run = start(true);
    execute(job(run));
    Job timer = managementService().createJobQuery().processInstanceId(run.getId()).timers().singleResult();
    assertThat(timer.getDuedate()).isAfter(new java.util.Date(System.currentTimeMillis() + 23 * 3600_000L));

    execute(timer);

    assertThat(run).hasPassed(END_EXPIRED).hasNotPassed(RESET_SCHEMA).isEnded();
  }

  @Test
  void shouldAskAgainWhenThePlanChangedAfterApproval() {
    planChangesToReport = 1;
    ProcessInstance run = start(true);
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true));
    execute(job(run));

    assertThat(run).isWaitingAt(APPROVE_RESET);
    assertThat(ran).doesNotContain("reset");
    assertThat(runtimeService().getVariable(run.getId(), PLAN_HASH)).isEqualTo("hash-2");

    complete(task(run), withVariables(APPROVED, true));
    runJobsUntilWaitingOrEnded(run);
    assertThat(run).hasPassed(RESET_SCHEMA, END_RESTORED).isEnded();
    assertThat(planChecks).hasValue(2);
  }

  @Test
  void shouldEndFailedWhenTheDumpIsMissing() {
    dumpMissing = true;
    ProcessInstance run = start(true);
    execute(job(run));

    assertThat(run).hasPassed(END_DUMP_NOT_FOUND).hasNotPassed(APPROVE_RESET).isEnded();
    assertThat(runtimeService().createIncidentQuery().count()).isZero();
  }

  @Test
  void shouldRaiseAnIncidentWhenRetriesRunOutAndContinueAfterARetry() {
    resetFailuresLeft = 10;
    ProcessInstance run = start(true);
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true));
    execute(job(run)); // recheck
    execute(job(run)); // start export
    execute(job(run)); // timer
    execute(job(run)); // check export

    Job reset = job(run);
    assertThat(reset.getRetries()).isEqualTo(3);
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        managementService().executeJob(job(run).getId());
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("ORA-01940");
      }
    }
    assertThat(job(run).getRetries()).isZero();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId()).isEqualTo(RESET_SCHEMA);

    resetFailuresLeft = 0;
    managementService().setJobRetries(job(run).getId(), 1);
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(RESET_SCHEMA, END_RESTORED).isEnded();
    assertThat(runtimeService().createIncidentQuery().count()).isZero();
  }

  @Test
  void shouldCompareWithTheReferenceTargetAndEndRestoredWhenItMatches() {
    ProcessInstance run = startWithReference();
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassedInOrder(VERIFY, COMPARE_WITH_REFERENCE, END_RESTORED).isEnded();
    assertThat(ran).containsSubsequence("verify", "compare", "check-reference");
  }

  @Test
  void shouldEndFailedWhenTheRestoreDiffersFromTheReference() {
    referenceMatches = false;
    ProcessInstance run = startWithReference();
    execute(job(run));
    complete(task(run), withVariables(APPROVED, true));
    runJobsUntilWaitingOrEnded(run);

    assertThat(run).hasPassed(COMPARE_WITH_REFERENCE, END_DIFFERS_FROM_REFERENCE).hasNotPassed(END_RESTORED).isEnded();
  }

  private ProcessInstance startWithReference() {
    return runtimeService().startProcessInstanceByKey(SchemaRestoreProcess.KEY, Map.of(
        TARGET, "demo", SCHEMA_OWNER, "winstore_admin", DUMP_FILE, "winstore.dump", SAFETY_EXPORT, false, REFERENCE_TARGET, "reference"));
  }

  private ProcessInstance start(boolean safetyExport) {
    return runtimeService().startProcessInstanceByKey(SchemaRestoreProcess.KEY, Map.of(
        TARGET, "demo", SCHEMA_OWNER, "winstore_admin", DUMP_FILE, "winstore.dump", SAFETY_EXPORT, safetyExport));
  }

  /** Runs the run's jobs (timers and retries included, whatever their due date) until it waits for a person or ends. */
  private void runJobsUntilWaitingOrEnded(ProcessInstance run) {
    for (int i = 0; i < 50; i++) {
      boolean waitingForPerson = processEngine.getTaskService().createTaskQuery().processInstanceId(run.getId()).count() > 0;
      Job next = managementService().createJobQuery().processInstanceId(run.getId()).withRetriesLeft().list().stream()
          .findFirst().orElse(null);
      if (waitingForPerson || next == null) {
        return;
      }
      managementService().executeJob(next.getId());
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
    public boolean safetyExport(DelegateExecution execution) {
      return (Boolean) execution.getVariable(SAFETY_EXPORT);
    }

    public boolean hasReference(DelegateExecution execution) {
      return execution.getVariable(REFERENCE_TARGET) != null;
    }

    public String target(DelegateExecution execution) {
      return (String) execution.getVariable(TARGET);
    }

    public String referenceTarget(DelegateExecution execution) {
      return (String) execution.getVariable(REFERENCE_TARGET);
    }

    public String referenceTables(DelegateExecution execution) {
      return "winstore_admin.products";
    }
  }
}
