package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.audit.AuditTrails;
import io.rebound.config.AuthorizationSetup;
import io.rebound.config.ReboundGroups;
import io.rebound.config.ReboundProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook core on a real engine (in memory, authorization on) with a small runbook of its own: a plan,
 * an approval, one destructive step. Every way in that the core must hold against, tried through the
 * engine's Java API, which is what the REST APIs call.
 */
class RunbookCoreTest {

  static final String KEY = "core-runbook";
  static final String CALLER = "core-caller";
  static final String OPERATOR = "op";
  static final String APPROVER = "appr";
  static final String BOTH = "both";
  static final String ADMIN = "adm";
  static final ObjectMapper JSON = new ObjectMapper();

  static ProcessEngine engine;
  static AuditTrail audit;
  static final AtomicInteger destroyed = new AtomicInteger();
  /** What the target has become since the run was asked for: appended to what the plan says it destroys. */
  static final AtomicReference<String> drift = new AtomicReference<>("");

  RuntimeService runtime;
  TaskService tasks;
  IdentityService identity;

  /** The request of the test runbook. */
  record TestRequest(String target) {}

  /** Its plan: what it would destroy. */
  record TestPlan(String target) implements ApprovablePlan {
    @Override
    public List<String> canonicalLines() {
      return List.of("target=" + target);
    }

    @Override
    public String text() {
      return "Destroy " + target;
    }
  }

  static class TestRunbook implements Runbook<TestRequest>, RunbookInputs<TestRequest> {
    @Override
    public String key() {
      return KEY;
    }

    @Override
    public String title() {
      return "core test";
    }

    @Override
    public RunbookInputs<TestRequest> inputs() {
      return this;
    }

    @Override
    public Optional<Approval<TestRequest>> approval() {
      return Optional.of(new Approval<>("UserTask_Approve", request -> List.of("recheck", "destroy"),
          request -> "Approve destroying " + request.target()));
    }

    @Override
    public Map<String, RunOutcome> outcomes() {
      return Map.of("EndEvent_Done", RunOutcome.COMPLETED, "EndEvent_Rejected", RunOutcome.REJECTED, "EndEvent_Expired", RunOutcome.EXPIRED,
          "EndEvent_Failed", RunOutcome.FAILED);
    }

    @Override
    public void started(DelegateExecution execution, TestRequest request) {
      execution.setVariable("startedFor", request.target());
    }

    @Override
    public Class<TestRequest> type() {
      return TestRequest.class;
    }

    @Override
    public TestRequest parse(Map<String, ?> variables) {
      Inputs.onlyAccepted(variables, java.util.Set.of("target", "note"));
      String target = Inputs.text(variables.get("target"), "target");
      if (target == null) {
        throw new InvalidInputException("target is required");
      }
      return new TestRequest(target);
    }

    @Override
    public Map<String, Object> display(TestRequest request) {
      return Map.of("target", request.target());
    }
  }

  @TempDir static Path anchorDirectory;

  @BeforeAll
  static void buildEngine() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    audit = AuditTrails.inMemory(targets, anchorDirectory);
    TestRunbook runbook = new TestRunbook();
    // A runbook that calls the test runbook, as a restore calls a comparison.
    TestRunbook caller = new TestRunbook() {
      @Override
      public String key() {
        return CALLER;
      }

      @Override
      public Optional<Approval<TestRequest>> approval() {
        return Optional.empty();
      }

      @Override
      public void started(DelegateExecution execution, TestRequest request) {}
    };
    Runbooks runbooks = new Runbooks(List.of(runbook, caller));
    ApprovalLedger ledger = new ApprovalLedger(audit, JSON);
    RunbookRequests requests = new RunbookRequests(ledger, JSON);
    Plans plans = new Plans(audit, ledger, JSON);
    ApprovedPass pass = new ApprovedPass(ledger, requests);

    AuditedStep plan = new AuditedStep(audit) {
      @Override
      protected String step() {
        return "plan";
      }

      @Override
      protected String run(DelegateExecution execution, StepLog log) {
        plans.present(execution, new TestPlan(requests.read(execution, runbook).target() + drift.get()), step());
        return "planned";
      }
    };
    AuditedStep recheck = new AuditedStep(audit, pass.of(runbook)) {
      @Override
      protected String step() {
        return "recheck";
      }

      @Override
      protected String run(DelegateExecution execution, StepLog log) {
        TestPlan approved = plans.approved(execution, TestPlan.class);
        TestPlan current = new TestPlan(requests.read(execution, runbook).target() + drift.get());
        return plans.recheck(execution, approved, current, step()) ? "changed" : "unchanged";
      }
    };
    AuditedStep destroy = new AuditedStep(audit, pass.of(runbook)) {
      @Override
      protected String step() {
        return "destroy";
      }

      @Override
      protected String run(DelegateExecution execution, StepLog log) {
        plans.approved(execution, TestPlan.class);
        destroyed.incrementAndGet();
        return "destroyed";
      }
    };

    StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:core-engine-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setDatabaseSchemaUpdate("true");
    configuration.setJobExecutorActivate(false);
    configuration.setHistory("full");
    configuration.setAuthorizationEnabled(true);
    configuration.setGroupResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9_-]*");
    AuditedStep fail = new AuditedStep(audit) {
      @Override
      protected String step() {
        return "fail";
      }

      @Override
      protected String run(DelegateExecution execution, StepLog log) {
        throw fail(execution, "TARGET_GONE", "the target vanished");
      }
    };
    // A step that leaves a reason behind and still ends well: the reason is not the run's outcome then.
    JavaDelegate noteReason = execution -> execution.setVariable(RunVariables.FAILURE_REASON, "a warning on the way");
    configuration.setBeans(Map.of("plan", plan, "recheck", recheck, "destroy", destroy, "fail", fail, "noteReason", noteReason,
        "peek", (JavaDelegate) execution -> plans.approved(execution, TestPlan.class)));
    configuration.setProcessEnginePlugins(List.of(new RunbookEnginePlugin(runbooks, audit, ledger, requests, JSON)));
    configuration.setProcessEngineName("core-" + UUID.randomUUID());
    engine = configuration.buildProcessEngine();

    BpmnModelInstance model = Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent("StartEvent_Requested")
        .serviceTask("Task_Plan").camundaDelegateExpression("${plan}")
        .exclusiveGateway("Gateway_ToApproval")
        .userTask("UserTask_Approve").camundaCandidateGroups(ReboundGroups.APPROVERS)
          .boundaryEvent("BoundaryEvent_Expired").timerWithDuration("PT1H").endEvent("EndEvent_Expired")
        .moveToActivity("UserTask_Approve")
        .exclusiveGateway("Gateway_Approved")
          .condition("approved", "${approved}")
          .serviceTask("Task_Recheck").camundaDelegateExpression("${recheck}")
          .exclusiveGateway("Gateway_Unchanged")
            .condition("unchanged", "${!planChanged}")
            .serviceTask("Task_Destroy").camundaDelegateExpression("${destroy}")
            .endEvent("EndEvent_Done")
          .moveToNode("Gateway_Unchanged")
            .condition("changed", "${planChanged}")
            .connectTo("Gateway_ToApproval")
        .moveToNode("Gateway_Approved")
          .condition("rejected", "${!approved}")
          .endEvent("EndEvent_Rejected")
        .done();
    engine.getRepositoryService().createDeployment().addModelInstance(KEY + ".bpmn", model).deploy();
    engine.getRepositoryService().createDeployment().addModelInstance(CALLER + ".bpmn", Bpmn.createExecutableProcess(CALLER)
        .camundaHistoryTimeToLive(1).startEvent("StartEvent_Requested")
        .callActivity("CallActivity_Core").calledElement(KEY).camundaIn("target", "target")
        .endEvent("EndEvent_Done").done()).deploy();

    new AuthorizationSetup(engine, runbooks).setUp();
    IdentityService identity = engine.getIdentityService();
    user(identity, OPERATOR, ReboundGroups.OPERATORS);
    user(identity, APPROVER, ReboundGroups.APPROVERS);
    user(identity, BOTH, ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    user(identity, ADMIN, ReboundGroups.ADMINS);
  }

  @AfterAll
  static void closeEngine() {
    engine.close();
  }

  @BeforeEach
  void services() {
    runtime = engine.getRuntimeService();
    tasks = engine.getTaskService();
    identity = engine.getIdentityService();
    destroyed.set(0);
    drift.set("");
  }

  @AfterEach
  void logOut() {
    identity.clearAuthentication();
  }

  @Test
  void shouldRefuseAStartWithoutAnAuthenticatedUserOrWithUnknownInputs() {
    long before = runs();
    assertThatThrownBy(() -> runtime.startProcessInstanceByKey(KEY, Map.of("target", "t")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be started by an authenticated user");
    as(OPERATOR);
    assertThatThrownBy(() -> runtime.startProcessInstanceByKey(KEY, Map.of("target", "t", "requester", "mallory")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown input 'requester'");
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void shouldRecordTheRequesterAndTheRequestOnce() throws Exception {
    String run = start(OPERATOR, "db1");

    List<AuditEvent> events = audit.events(run);
    AuditEvent requested = events.get(0);
    assertThat(requested.type()).isEqualTo("REQUESTED");
    assertThat(requested.actor()).isEqualTo(OPERATOR);
    assertThat(requested.outcome()).isEqualTo("core test requested");
    JsonNode details = JSON.readTree(requested.details());
    assertThat(details.get("request").get("target").asText()).isEqualTo("db1");
    byte[] stored = (byte[]) runtime.getVariable(run, RunbookRequests.REQUEST);
    assertThat(details.get("requestHash").asText()).isEqualTo(Hashes.sha256(stored)).hasSize(64);
    assertThat(runtime.getVariables(run)).containsEntry("target", "db1").containsEntry(RunVariables.REQUESTER, OPERATOR)
        .containsEntry("startedFor", "db1").doesNotContainKey("note");
    assertThat(events).extracting(AuditEvent::type).containsSubsequence("REQUESTED", "STEP_STARTED", "PLAN_COMPUTED", "STEP_FINISHED");
    assertThat(runtime.getVariable(run, Plans.PLAN_HASH)).isEqualTo(new TestPlan("db1").hash());
    assertThat(runtime.getVariable(run, Plans.PLAN_TEXT)).isEqualTo("Destroy db1");
    assertThat(runtime.getVariable(run, Plans.PLAN_CHANGES)).as("a plan shown first has no changes").isEqualTo("");
    assertThat(runtime.getVariable(run, Plans.PLAN_VIEW)).as("as the approval form shows it").isEqualTo("    Destroy db1\n");
    assertThat(runtime.getVariable(run, Plans.PLAN_CHANGES_VIEW)).isEqualTo("");
    // The start keeps what the request shows as it was given once: no remove-and-set of the shown inputs.
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(run).variableName("target")
        .includeDeleted().count()).isEqualTo(1);

    assertThat(tasks.createTaskQuery().processInstanceId(run).singleResult().getName()).isEqualTo("Approve destroying db1");
    String padded = start(OPERATOR, "  db9 ");
    assertThat(runtime.getVariable(padded, "target")).as("inputs are shown as the request reads them").isEqualTo("db9");
  }

  @Test
  void shouldRefuseStartInstructionsEvenWhenListenersAreSkipped() {
    long before = runs();
    as(ADMIN);
    assertThatThrownBy(() -> runtime.createProcessInstanceByKey(KEY).setVariable("target", "t").startBeforeActivity("Task_Destroy").execute())
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("start instructions");
    assertThatThrownBy(() -> runtime.createProcessInstanceByKey(KEY).setVariable("target", "t").startBeforeActivity("Task_Plan")
        .execute(true, true)).isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.createProcessInstanceByKey(KEY).startAfterActivity("StartEvent_Requested").execute())
        .isInstanceOf(RunbookGuardException.class);
    assertThat(runs()).isEqualTo(before);
    assertThat(destroyed).hasValue(0);
  }

  @Test
  void shouldRefuseModificationRestartMigrationAndVariableBatches() {
    String run = start(OPERATOR, "db1");
    String definition = runtime.createProcessInstanceQuery().processInstanceId(run).singleResult().getProcessDefinitionId();
    as(ADMIN);

    assertThatThrownBy(() -> runtime.createProcessInstanceModification(run).startBeforeActivity("Task_Destroy").execute())
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("process instance modification");
    assertThatThrownBy(() -> runtime.createProcessInstanceModification(run).startBeforeActivity("Task_Destroy").executeAsync())
        .isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.createModification(definition).startBeforeActivity("Task_Destroy").processInstanceIds(run).execute())
        .isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.createModification(definition).startBeforeActivity("Task_Destroy").processInstanceIds(run).executeAsync())
        .isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.restartProcessInstances(definition).startBeforeActivity("Task_Destroy").processInstanceIds(run).execute())
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("restarting");
    assertThatThrownBy(() -> runtime.restartProcessInstances(definition).startBeforeActivity("Task_Destroy").processInstanceIds(run).executeAsync())
        .isInstanceOf(RunbookGuardException.class);
    identity.clearAuthentication();
    var plan = runtime.createMigrationPlan(definition, definition).mapEqualActivities().build();
    as(ADMIN);
    assertThatThrownBy(() -> runtime.newMigration(plan).processInstanceIds(run).execute())
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("migration");
    assertThatThrownBy(() -> runtime.newMigration(plan).processInstanceIds(run).executeAsync())
        .isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.setVariablesAsync(List.of(run), Map.of("target", "db2")))
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("setting variables");

    assertThat(runtime.getActiveActivityIds(run)).containsExactly("UserTask_Approve");
    assertThat(destroyed).hasValue(0);
  }

  @Test
  void shouldRefuseEveryVariableChangeFromOutsideTheRun() {
    String run = start(OPERATOR, "db1");
    String task = approvalTask(run);

    for (String user : new String[] {ADMIN, null}) {
      if (user != null) {
        as(user);
      } else {
        identity.clearAuthentication();
      }
      assertThatThrownBy(() -> runtime.setVariable(run, "target", "db2")).isInstanceOf(RunbookGuardException.class)
          .hasMessageContaining("cannot be changed from outside ('target')").hasMessageContaining("[approved, comment]");
      assertThatThrownBy(() -> runtime.setVariable(run, "newcomer", 1)).isInstanceOf(RunbookGuardException.class);
      assertThatThrownBy(() -> runtime.removeVariable(run, RunbookRequests.REQUEST)).isInstanceOf(RunbookGuardException.class);
      assertThatThrownBy(() -> tasks.setVariable(task, "target", "db2")).isInstanceOf(RunbookGuardException.class);
      assertThatThrownBy(() -> tasks.setVariableLocal(task, Approval.APPROVED, true)).isInstanceOf(RunbookGuardException.class);
      assertThatThrownBy(() -> runtime.setVariable(run, Approval.APPROVED, true)).isInstanceOf(RunbookGuardException.class);
    }
    as(APPROVER);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true, "target", "db2")))
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("('target')");
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true, Plans.PLAN_HASH, "0")))
        .isInstanceOf(RunbookGuardException.class);
    assertThat(runtime.getVariable(run, "target")).isEqualTo("db1");

    tasks.complete(task, Map.of(Approval.APPROVED, true, Approval.COMMENT, "ok"));
    assertThat(destroyed).hasValue(1);
  }

  @Test
  void shouldKeepTheApprovalAwayFromItsRequester() {
    String run = start(BOTH, "db1");
    String task = approvalTask(run);

    as(BOTH);
    assertThat(tasks.createTaskQuery().processInstanceId(run).count()).isZero();
    assertThatThrownBy(() -> tasks.claim(task, BOTH)).isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true))).isInstanceOf(AuthorizationException.class);
    as(APPROVER);
    assertThat(tasks.createTaskQuery().processInstanceId(run).count()).isOne();
    as(ADMIN);
    assertThat(tasks.createTaskQuery().processInstanceId(run).count()).isOne();
    assertThatThrownBy(() -> tasks.setAssignee(task, BOTH)).satisfies(RunbookCoreTest::fourEyes);
    assertThatThrownBy(() -> tasks.claim(task, BOTH)).satisfies(RunbookCoreTest::fourEyes);
    assertThatThrownBy(() -> tasks.delegateTask(task, BOTH)).satisfies(RunbookCoreTest::fourEyes);
    assertThatThrownBy(() -> tasks.setOwner(task, BOTH)).satisfies(RunbookCoreTest::fourEyes);
    Task held = tasks.createTaskQuery().taskId(task).singleResult();
    assertThat(held.getAssignee()).isNull();
    assertThat(held.getOwner()).isNull();
    assertThat(audit.events(run)).extracting(AuditEvent::type).contains("APPROVAL_REFUSED");

    tasks.setAssignee(task, APPROVER);
    as(APPROVER);
    tasks.complete(task, Map.of(Approval.APPROVED, true));
    assertThat(destroyed).hasValue(1);
  }

  @Test
  void shouldRefuseADecisionByTheRequesterAnOutsiderOrWithoutAYesOrNo() {
    String run = start(BOTH, "db1");
    String task = approvalTask(run);

    as(ADMIN);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true))).satisfies(e -> refused(e, "adm is not in the rebound-approvers group"));
    identity.clearAuthentication();
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true))).satisfies(e -> refused(e, "by an authenticated user"));
    as(APPROVER);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.COMMENT, "hm"))).satisfies(e -> refused(e, "approved must be true or false"));
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, "yes"))).satisfies(e -> refused(e, "approved must be true or false"));
    // Even with the task in hand (say the revoke were removed), the requester's completion is refused.
    identity.clearAuthentication();
    engine.getAuthorizationService().createAuthorizationQuery().userIdIn(BOTH).list()
        .forEach(a -> engine.getAuthorizationService().deleteAuthorization(a.getId()));
    identity.setAuthentication(BOTH, List.of(ReboundGroups.APPROVERS));
    assertThat(tasks.createTaskQuery().processInstanceId(run).count()).isOne();
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true))).satisfies(e -> refused(e, "four eyes: both requested this run"));
    assertThat(destroyed).hasValue(0);
    assertThat(runtime.getActiveActivityIds(run)).containsExactly("UserTask_Approve");
  }

  @Test
  void shouldRecordTheDecisionAndHowTheRunEnded() throws Exception {
    String approvedRun = start(OPERATOR, "db1");
    String approval = approvalTask(approvedRun);
    as(APPROVER);
    tasks.complete(approval, Map.of(Approval.APPROVED, true, Approval.COMMENT, "checked"));
    List<AuditEvent> events = audit.events(approvedRun);
    AuditEvent approved = events.stream().filter(e -> e.type().equals("APPROVED")).findFirst().orElseThrow();
    assertThat(approved.actor()).isEqualTo(APPROVER);
    assertThat(approved.outcome()).isEqualTo("approved: checked");
    assertThat(JSON.readTree(approved.details()).get("planHash").asText()).isEqualTo(new TestPlan("db1").hash());
    AuditEvent destroyStarted = events.stream().filter(e -> e.type().equals("STEP_STARTED") && e.step().equals("destroy")).findFirst().orElseThrow();
    assertThat(JSON.readTree(destroyStarted.details()).get("approval").asLong()).isEqualTo(approved.id());
    assertThat(last(approvedRun).outcome()).isEqualTo("COMPLETED");
    assertThat(JSON.readTree(last(approvedRun).details()).get("endEvent").asText()).isEqualTo("EndEvent_Done");
    assertThat(events).extracting(AuditEvent::type).doesNotContain("APPROVAL_EXPIRED");
    assertThat(events).filteredOn(e -> e.type().equals("STEP_FINISHED") && e.step().equals("recheck")).extracting(AuditEvent::outcome)
        .containsExactly("unchanged");
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(approvedRun)
        .variableName(RunVariables.APPROVER).singleResult().getValue()).isEqualTo(APPROVER);

    String rejectedRun = start(OPERATOR, "db2");
    String rejection = approvalTask(rejectedRun);
    as(APPROVER);
    tasks.complete(rejection, Map.of(Approval.APPROVED, false));
    assertThat(audit.events(rejectedRun)).extracting(AuditEvent::type).contains("REJECTED");
    assertThat(last(rejectedRun).outcome()).isEqualTo("REJECTED");

    String cancelledRun = start(OPERATOR, "db3");
    as(ADMIN);
    runtime.deleteProcessInstance(cancelledRun, "wrong target", true);
    AuditEvent ended = last(cancelledRun);
    assertThat(ended.type()).isEqualTo("ENDED");
    assertThat(ended.outcome()).isEqualTo("CANCELLED");
    assertThat(ended.actor()).isEqualTo(ADMIN);
    assertThat(destroyed).hasValue(1);
  }

  @Test
  void shouldNotStartAnEngineWhoseHistoryCannotGuardVariables() {
    StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:core-activity-" + UUID.randomUUID());
    configuration.setHistory("activity");
    configuration.setProcessEngineName("activity-" + UUID.randomUUID());
    ApprovalLedger ledger = new ApprovalLedger(audit, JSON);
    configuration.setProcessEnginePlugins(List.of(new RunbookEnginePlugin(new Runbooks(List.of(new TestRunbook())), audit, ledger,
        new RunbookRequests(ledger, JSON), JSON)));

    assertThatThrownBy(configuration::buildProcessEngine).hasMessageContaining("history level 'audit' or 'full'");
  }

  @Test
  void shouldAskAgainWhenThePlanChangedAndGoOnOnlyUnderTheNewApproval() throws Exception {
    String run = start(OPERATOR, "db1");
    String first = approvalTask(run);
    drift.set("-grown");
    as(APPROVER);
    tasks.complete(first, Map.of(Approval.APPROVED, true));

    assertThat(destroyed).hasValue(0);
    assertThat(runtime.getActiveActivityIds(run)).containsExactly("UserTask_Approve");
    assertThat(runtime.getVariable(run, Plans.PLAN_CHANGES)).isEqualTo("- target=db1\n+ target=db1-grown\n");
    assertThat(runtime.getVariable(run, Plans.PLAN_CHANGES_VIEW)).isEqualTo("    - target=db1\n    + target=db1-grown\n");
    assertThat(runtime.getVariable(run, Plans.PLAN_HASH)).isEqualTo(new TestPlan("db1-grown").hash());
    assertThat(runtime.getVariable(run, Approval.APPROVED)).isNull();
    AuditEvent changed = audit.events(run).stream().filter(e -> e.type().equals("PLAN_CHANGED")).findFirst().orElseThrow();
    assertThat(JSON.readTree(changed.details()).get("approvedHash").asText()).isEqualTo(new TestPlan("db1").hash());
    assertThat(new ApprovalLedger(audit, JSON).of(run).standingApproval()).isEmpty();

    String second = approvalTask(run);
    as(APPROVER);
    tasks.complete(second, Map.of(Approval.APPROVED, true));
    assertThat(destroyed).hasValue(1);
    assertThat(audit.events(run)).filteredOn(e -> e.type().equals("STEP_FINISHED") && e.step().equals("recheck"))
        .extracting(AuditEvent::outcome).containsExactly("changed", "unchanged");
    assertThat(audit.events(run)).extracting(e -> e.type() + " " + e.step()).containsSubsequence("APPROVED approval",
        "PLAN_CHANGED recheck", "STEP_FINISHED recheck", "APPROVED approval", "STEP_FINISHED recheck", "STEP_FINISHED destroy",
        "ENDED end");
  }

  @Test
  void shouldRecordAnApprovalThatExpired() {
    String run = start(OPERATOR, "db1");
    var timer = engine.getManagementService().createJobQuery().processInstanceId(run).timers().singleResult();
    engine.getManagementService().executeJob(timer.getId());

    assertThat(audit.events(run)).extracting(e -> e.type() + " " + e.outcome()).containsSubsequence(
        "APPROVAL_EXPIRED no decision within the approval timeout", "ENDED EXPIRED");
    assertThat(destroyed).hasValue(0);
  }

  @Test
  void shouldRefuseADestructiveStepNoApprovalLeadsTo() {
    BpmnModelInstance shortcut = Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent("StartEvent_Requested").serviceTask("Task_Destroy").camundaDelegateExpression("${destroy}").endEvent("EndEvent_Done").done();
    String deployment = engine.getRepositoryService().createDeployment().addModelInstance("shortcut.bpmn", shortcut).deploy().getId();
    try {
      assertThatThrownBy(() -> start(OPERATOR, "db1")).isInstanceOf(StepRefusedException.class)
          .hasMessageContaining("destroy refused: no approval stands");
      assertThat(destroyed).hasValue(0);
    } finally {
      engine.getRepositoryService().deleteDeployment(deployment, true);
    }
  }

  @Test
  void shouldRefuseDeploymentsByUsersAndProcessesThatAreNoRunbook() {
    BpmnModelInstance other = Bpmn.createExecutableProcess("maintenance").camundaHistoryTimeToLive(1).startEvent().endEvent().done();
    as(ADMIN);
    assertThatThrownBy(() -> engine.getRepositoryService().createDeployment().addModelInstance("m.bpmn", other).deploy())
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("deploying a process is refused");
    identity.clearAuthentication();
    assertThatThrownBy(() -> engine.getRepositoryService().createDeployment().addModelInstance("m.bpmn", other).deploy())
        .hasMessageContaining("process maintenance is not a runbook Rebound knows");
    assertThat(engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("maintenance").count()).isZero();
  }

  @Test
  void shouldRefuseSignalsAndErrorsThatWouldLeaveTheApproval() {
    String run = start(OPERATOR, "db1");
    String task = approvalTask(run);
    String execution = runtime.createExecutionQuery().processInstanceId(run).activityId("UserTask_Approve").singleResult().getId();
    as(ADMIN);
    assertThatThrownBy(() -> runtime.signal(execution)).isInstanceOf(RunbookGuardException.class).hasMessageContaining("signalling");
    assertThatThrownBy(() -> tasks.handleBpmnError(task, "Error_Any")).isInstanceOf(RunbookGuardException.class)
        .hasMessageContaining("BPMN error or escalation");
    assertThatThrownBy(() -> tasks.handleEscalation(task, "Escalation_Any")).isInstanceOf(RunbookGuardException.class);
    assertThatThrownBy(() -> runtime.deleteProcessInstancesAsync(List.of(run), "x")).isInstanceOf(RunbookGuardException.class)
        .hasMessageContaining("cancelling runs in a batch");
    assertThat(runtime.getActiveActivityIds(run)).containsExactly("UserTask_Approve");
  }

  @Test
  void shouldRefuseTransientVariablesWithTheDecision() {
    String run = start(OPERATOR, "db1");
    String task = approvalTask(run);
    as(APPROVER);
    assertThatThrownBy(() -> tasks.complete(task, Variables.createVariables().putValue(Approval.APPROVED, true)
        .putValueTyped("note", Variables.stringValue("board said so", true))))
        .satisfies(e -> assertThat(e).hasRootCauseInstanceOf(RunbookGuardException.class).rootCause().hasMessageContaining("transient"));
    assertThat(runtime.getActiveActivityIds(run)).containsExactly("UserTask_Approve");
  }

  @Test
  void shouldRecordIdentityChangesAndRefuseAnApproverWhosePasswordTheRequesterSet() {
    as(ADMIN);
    User approver = identity.createUserQuery().userId(APPROVER).singleResult();
    approver.setPassword("Set-By-The-Admin-1");
    identity.saveUser(approver);
    identity.createMembership(OPERATOR, ReboundGroups.APPROVERS);
    identity.deleteMembership(OPERATOR, ReboundGroups.APPROVERS);
    AuditEvent passwordSet = audit.latestOutsideRuns(AuditEventType.IDENTITY_CHANGED, "password of " + APPROVER).orElseThrow();
    assertThat(passwordSet.actor()).isEqualTo(ADMIN);
    assertThat(audit.latestOutsideRuns(AuditEventType.IDENTITY_CHANGED, "membership of " + OPERATOR).orElseThrow().outcome())
        .isEqualTo("op removed from rebound-approvers");

    String run = start(ADMIN, "db1");
    String task = approvalTask(run);
    as(APPROVER);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true)))
        .satisfies(e -> refused(e, "the password of appr was last set by adm, who requested this run"));
    // A change "by the approver" afterwards proves nothing: the administrator knew the password it was made with.
    User self = identity.createUserQuery().userId(APPROVER).singleResult();
    self.setPassword("Their-Own-Password-2");
    identity.saveUser(self);
    as(APPROVER);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true)))
        .satisfies(e -> refused(e, "the password of appr was last set by adm"));
    // Set by another administrator, it is no longer the requester's to know.
    as(BOTH);
    User reset = identity.createUserQuery().userId(APPROVER).singleResult();
    reset.setPassword("Set-By-Another-Admin-3");
    identity.saveUser(reset);
    as(APPROVER);
    tasks.complete(task, Map.of(Approval.APPROVED, true));
    assertThat(destroyed).hasValue(1);
  }

  @Test
  void shouldRefuseARequesterAndApproverWhosePasswordsOnePersonSet() {
    as(ADMIN);
    for (String id : List.of("puppetop", "puppetappr")) {
      User puppet = identity.newUser(id);
      puppet.setPassword("Set-By-The-Admin-4");
      identity.saveUser(puppet);
    }
    identity.createMembership("puppetop", ReboundGroups.OPERATORS);
    identity.createMembership("puppetappr", ReboundGroups.APPROVERS);
    String run = start("puppetop", "db1");
    String task = approvalTask(run);

    // One administrator set both passwords: they could have asked and approved alone.
    as("puppetappr");
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true)))
        .satisfies(e -> refused(e, "were both last set by adm, who could act as either"));
    // An approver who set the requester's password could have asked as them.
    as(BOTH);
    User requester = identity.createUserQuery().userId("puppetop").singleResult();
    requester.setPassword("Set-By-Both-5");
    identity.saveUser(requester);
    as(BOTH);
    assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true)))
        .satisfies(e -> refused(e, "the password of puppetop, who requested this run, was last set by both"));
    assertThat(destroyed).hasValue(0);
  }

  @Test
  void shouldRefuseAStepOfThePassWhoseStepsBeforeItDidNotRun() {
    // Approved, but the model skips the recheck: the guard refuses, though the plan itself is approved.
    String deployment = deploy(Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent("StartEvent_Requested")
        .serviceTask("Task_Plan").camundaDelegateExpression("${plan}")
        .userTask("UserTask_Approve").camundaCandidateGroups(ReboundGroups.APPROVERS)
        .serviceTask("Task_Destroy").camundaDelegateExpression("${destroy}")
        .endEvent("EndEvent_Done").done());
    try {
      String run = start(OPERATOR, "db1");
      String task = approvalTask(run);
      as(APPROVER);
      assertThatThrownBy(() -> tasks.complete(task, Map.of(Approval.APPROVED, true))).isInstanceOf(StepRefusedException.class)
          .hasMessageContaining("destroy refused: recheck must finish first");
      assertThat(destroyed).hasValue(0);
    } finally {
      undeploy(deployment);
    }
  }

  @Test
  void shouldRefuseToReadAnApprovedPlanWhenNoApprovalStands() {
    String deployment = deploy(Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent("StartEvent_Requested")
        .serviceTask("Task_Plan").camundaDelegateExpression("${plan}")
        .serviceTask("Task_Peek").camundaDelegateExpression("${peek}")
        .endEvent("EndEvent_Done").done());
    try {
      assertThatThrownBy(() -> start(OPERATOR, "db1")).isInstanceOf(StepRefusedException.class)
          .hasMessageContaining("no approval stands for this run");
    } finally {
      undeploy(deployment);
    }
  }

  @Test
  void shouldEndWithTheReasonOnlyWhenTheRunDidNotSucceed() {
    String deployment = deploy(Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent("StartEvent_Requested")
        .exclusiveGateway("Gateway_Way")
          .condition("fails", "${target == 'gone'}")
          .serviceTask("Task_Fail").camundaDelegateExpression("${fail}")
            .boundaryEvent("BoundaryEvent_Gone").error("TARGET_GONE").endEvent("EndEvent_Failed")
        .moveToNode("Gateway_Way")
          .condition("warns", "${target != 'gone'}")
          .serviceTask("Task_Note").camundaDelegateExpression("${noteReason}")
          .endEvent("EndEvent_Done")
        .done());
    try {
      String failed = start(OPERATOR, "gone");
      assertThat(last(failed).type()).isEqualTo("ENDED");
      assertThat(last(failed).outcome()).isEqualTo("FAILED: the target vanished");
      assertThat(last(failed).actor()).isEqualTo(AuditedStep.ENGINE_ACTOR);

      String warned = start(OPERATOR, "here");
      assertThat(last(warned).outcome()).isEqualTo("COMPLETED");
      assertThat(audit.events(warned)).extracting(AuditEvent::type).doesNotContain("APPROVAL_EXPIRED");
    } finally {
      undeploy(deployment);
    }
  }

  @Test
  void shouldTakeTheDecisionThroughTheFormOfTheApproverButNotOfADelegate() {
    String run = start(OPERATOR, "db1");
    String task = approvalTask(run);
    tasks.setAssignee(task, APPROVER);
    tasks.delegateTask(task, BOTH);
    as(BOTH);
    assertThatThrownBy(() -> engine.getFormService().submitTaskForm(task, Map.of(Approval.APPROVED, true)))
        .isInstanceOf(RunbookGuardException.class).hasMessageContaining("cannot be changed from outside ('approved')");
    assertThat(destroyed).hasValue(0);

    String other = start(OPERATOR, "db2");
    String approval = approvalTask(other);
    as(APPROVER);
    engine.getFormService().submitTaskForm(approval, Map.of(Approval.APPROVED, true, Approval.COMMENT, "by form"));
    assertThat(destroyed).hasValue(1);
  }

  @Test
  void shouldRefuseEveryBatchOfVariableChangesMadeOutsideTheEngine() {
    VariableGuard guard = new VariableGuard(new Runbooks(List.of(new TestRunbook())));
    HistoricVariableUpdateEventEntity decision = new HistoricVariableUpdateEventEntity();
    decision.setProcessDefinitionKey(KEY);
    decision.setVariableName(Approval.APPROVED);
    decision.setEventType("update");
    // No command runs here: not even the decision's name makes it a decision.
    assertThatThrownBy(() -> guard.handleEvents(List.of(decision))).isInstanceOf(RunbookGuardException.class)
        .hasMessageContaining("('approved')");

    HistoricVariableUpdateEventEntity elsewhere = new HistoricVariableUpdateEventEntity();
    elsewhere.setProcessDefinitionKey("not-a-runbook");
    elsewhere.setVariableName("target");
    guard.handleEvents(List.of(elsewhere));
  }

  @Test
  void shouldGuardOnlyTheStepsOfARunbookThatHasAnApproval() {
    ApprovalLedger ledger = new ApprovalLedger(audit, JSON);
    ApprovedPass pass = new ApprovedPass(ledger, new RunbookRequests(ledger, JSON));
    TestRunbook unapproved = new TestRunbook() {
      @Override
      public Optional<Approval<TestRequest>> approval() {
        return Optional.empty();
      }
    };
    assertThatThrownBy(() -> pass.of(unapproved)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(KEY + " has no approval to guard its steps with");
    assertThat(pass.of(new TestRunbook())).isNotNull();
  }

  @Test
  void shouldGiveACalledRunItsCallersRequester() throws Exception {
    as(OPERATOR);
    String caller = runtime.startProcessInstanceByKey(CALLER, Map.of("target", "db7")).getId();
    identity.clearAuthentication();
    ProcessInstance called = runtime.createProcessInstanceQuery().superProcessInstanceId(caller).singleResult();

    AuditEvent requested = audit.events(called.getId()).get(0);
    assertThat(requested.type()).isEqualTo("REQUESTED");
    assertThat(requested.actor()).isEqualTo(OPERATOR);
    assertThat(JSON.readTree(requested.details()).get("calledBy").asText()).isEqualTo(caller);
    assertThat(runtime.getVariable(called.getId(), RunVariables.REQUESTER)).isEqualTo(OPERATOR);
  }

  private void undeploy(String deployment) {
    identity.clearAuthentication();
    engine.getRepositoryService().deleteDeployment(deployment, true);
  }

  private String deploy(BpmnModelInstance model) {
    return engine.getRepositoryService().createDeployment().addModelInstance(KEY + "-variant.bpmn", model).deploy().getId();
  }

  private static void fourEyes(Throwable thrown) {
    refused(thrown, "four eyes: the approval cannot be");
  }

  private static void refused(Throwable thrown, String message) {
    Throwable cause = thrown;
    while (cause != null && !(cause instanceof ApprovalRefusedException)) {
      cause = cause.getCause();
    }
    assertThat(thrown).isInstanceOfAny(ApprovalRefusedException.class, ProcessEngineException.class);
    assertThat(cause).as(String.valueOf(thrown)).isNotNull();
    assertThat(cause.getMessage()).contains(message);
  }

  private String start(String user, String target) {
    as(user);
    try {
      // A note is taken as input but not shown: the start removes what the request does not display.
      ProcessInstance run = runtime.startProcessInstanceByKey(KEY, Map.of("target", target, "note", "see ticket 42"));
      return run.getId();
    } finally {
      identity.clearAuthentication();
    }
  }

  private String approvalTask(String run) {
    identity.clearAuthentication();
    return tasks.createTaskQuery().processInstanceId(run).singleResult().getId();
  }

  private AuditEvent last(String run) {
    List<AuditEvent> events = audit.events(run);
    return events.get(events.size() - 1);
  }

  private long runs() {
    identity.clearAuthentication();
    return engine.getHistoryService().createHistoricProcessInstanceQuery().count();
  }

  private void as(String user) {
    identity.clearAuthentication();
    List<String> groups = engine.getIdentityService().createGroupQuery().groupMember(user).list().stream().map(g -> g.getId()).toList();
    identity.setAuthentication(user, groups);
  }

  private static void user(IdentityService identity, String id, String... groups) {
    User user = identity.newUser(id);
    user.setPassword("pw");
    identity.saveUser(user);
    for (String group : groups) {
      identity.createMembership(id, group);
    }
  }
}
