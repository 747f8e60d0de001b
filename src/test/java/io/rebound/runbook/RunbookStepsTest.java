package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.audit.AuditTrails;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.RunbookCoreTest.TestPlan;
import io.rebound.runbook.RunbookCoreTest.TestRequest;
import io.rebound.target.Targets;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps a runbook builds from its name and its work: audited every time, guarded by the approval when they belong to
 * the approved pass, polled without a second start, and reading the run's request and approved plan as validated.
 */
class RunbookStepsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final TestRequest ASKED = new TestRequest("db");
  static final TestPlan PLAN = new TestPlan("db");
  /** A runbook whose approval authorises the pass recheck, destroy. */
  static final Runbook<TestRequest> DESTROYS = new RunbookCoreTest.TestRunbook();
  static final Runbook<TestRequest> KEEPS = new RunbookCoreTest.TestRunbook() {
    @Override
    public Optional<Approval<TestRequest>> approval() {
      return Optional.empty();
    }
  };

  static AuditTrail audit;
  static RunbookSteps.Services services;

  @BeforeAll
  static void services(@TempDir Path anchors) {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    audit = AuditTrails.inMemory(targets, anchors);
    ApprovalLedger ledger = new ApprovalLedger(audit, JSON);
    RunbookRequests requests = new RunbookRequests(ledger, JSON) {
      @Override
      @SuppressWarnings("unchecked")
      public <R> R read(DelegateExecution execution, Runbook<R> runbook) {
        assertThat(runbook).isIn(DESTROYS, KEEPS);
        return (R) ASKED;
      }
    };
    Plans plans = new Plans(audit, ledger, JSON);
    services = new RunbookSteps.Services(audit, requests, plans, new ApprovedPass(ledger, requests), null);
  }

  /** A run of its own: its id, and the variables its steps set. */
  record Run(String id, Map<String, Object> variables, DelegateExecution execution) {
    static Run start() {
      String id = "run-" + UUID.randomUUID();
      Map<String, Object> variables = new HashMap<>();
      DelegateExecution execution = (DelegateExecution) Proxy.newProxyInstance(RunbookStepsTest.class.getClassLoader(),
          new Class<?>[] {DelegateExecution.class}, (proxy, method, args) -> switch (method.getName()) {
            case "getProcessInstanceId" -> id;
            case "getId" -> "execution-of-" + id;
            case "getCurrentActivityId" -> "Task_Step";
            case "setVariable" -> variables.put((String) args[0], args[1] instanceof TypedValue typed ? typed.getValue() : args[1]);
            case "getVariable" -> variables.get((String) args[0]);
            default -> null;
          });
      audit.record(id, AuditEventType.REQUESTED, "request", "op", null, Map.of("requestHash", "r"));
      return new Run(id, variables, execution);
    }

    /** The plan shown and approved by someone else. */
    Run approved() throws Exception {
      services.plans().present(execution, PLAN, "plan");
      audit.record(id, AuditEventType.APPROVED, "approval", "approver", null, Map.of("planHash", PLAN.hash()));
      return this;
    }

    List<String> trail() {
      return audit.events(id).stream().map(event -> event.type() + " " + event.step()).toList();
    }

    Optional<AuditEvent> last(AuditEventType type) {
      return audit.latest(id, type);
    }
  }

  @Test
  void shouldRecordTheStartAndTheOutcomeOfAStepThatDestroysNothingWithoutAnyApproval() throws Exception {
    Run run = Run.start();

    services.of(KEEPS).step("backup", (execution, log) -> "backup taken").execute(run.execution());

    assertThat(run.trail()).containsExactly("REQUESTED request", "STEP_STARTED backup", "STEP_FINISHED backup");
    assertThat(run.last(AuditEventType.STEP_FINISHED).orElseThrow().outcome()).isEqualTo("backup taken");
  }

  @Test
  void shouldRefuseAStepOfTheApprovedPassBeforeItsWorkWhenNoApprovalStands() {
    Run run = Run.start();
    AtomicInteger worked = new AtomicInteger();
    RunbookStep recheck = services.of(DESTROYS).guarded("recheck", (execution, log) -> "rechecked " + worked.incrementAndGet());

    assertThatThrownBy(() -> recheck.execute(run.execution())).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("no approval stands");
    assertThatThrownBy(() -> recheck.poll().execute(run.execution())).isInstanceOf(StepRefusedException.class);

    assertThat(worked).hasValue(0);
    assertThat(run.trail()).containsExactly("REQUESTED request", "STEP_REFUSED recheck", "STEP_REFUSED recheck");
  }

  @Test
  void shouldRunAStepOfTheApprovedPassOnceUnderTheStandingApproval() throws Exception {
    Run run = Run.start().approved();
    AtomicInteger worked = new AtomicInteger();
    RunbookStep recheck = services.of(DESTROYS).guarded("recheck", (execution, log) -> "rechecked " + worked.incrementAndGet());

    recheck.execute(run.execution());

    assertThat(run.trail()).endsWith("APPROVED approval", "STEP_STARTED recheck", "STEP_FINISHED recheck");
    assertThat(run.last(AuditEventType.STEP_STARTED).orElseThrow().details()).contains("\"approval\"");
    assertThatThrownBy(() -> recheck.execute(run.execution())).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("already ran");
    assertThat(worked).hasValue(1);
  }

  @Test
  void shouldRunAStepOfTheApprovedPassWithoutApprovalOnlyWhereTheRequestSaysTheRunIsUnattended() throws Exception {
    Run unattended = Run.start();
    Run attended = Run.start();
    AtomicInteger worked = new AtomicInteger();
    RunbookStep.Work recheck = (execution, log) -> "rechecked " + worked.incrementAndGet();

    services.of(DESTROYS, request -> false).guarded("recheck", recheck).execute(unattended.execution());
    assertThatThrownBy(() -> services.of(DESTROYS, request -> true).guarded("recheck", recheck).execute(attended.execution()))
        .isInstanceOf(StepRefusedException.class).hasMessageContaining("no approval stands");

    long requested = unattended.last(AuditEventType.REQUESTED).orElseThrow().id();
    assertThat(unattended.trail()).containsExactly("REQUESTED request", "STEP_STARTED recheck", "STEP_FINISHED recheck");
    assertThat(unattended.last(AuditEventType.STEP_STARTED).orElseThrow().details()).contains("\"approval\":" + requested);
    assertThatThrownBy(() -> services.of(DESTROYS, request -> false).guarded("destroy", recheck).poll().execute(attended.execution()))
        .isInstanceOf(StepRefusedException.class).hasMessageContaining("recheck must finish first since the request");
    assertThat(worked).hasValue(1);
  }

  @Test
  void shouldRefuseToGuardAStepOfARunbookThatHasNoApproval() {
    assertThatThrownBy(() -> services.of(KEEPS).guarded("recheck", (execution, log) -> "destroyed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no approval");
  }

  @Test
  void shouldPollAStartedStepWithoutStartingItAgainAndEndItOnlyWhenItsJobIsDone() throws Exception {
    Run run = Run.start().approved();
    AtomicInteger polls = new AtomicInteger();
    RunbookStep start = services.of(DESTROYS).guarded("recheck", (execution, log) -> polls.incrementAndGet() < 3 ? null : "done");

    start.execute(run.execution());
    start.poll().execute(run.execution());
    start.poll().execute(run.execution());

    assertThat(run.trail()).endsWith("APPROVED approval", "STEP_STARTED recheck", "STEP_FINISHED recheck");
    assertThat(polls).hasValue(3);
  }

  @Test
  void shouldRecordEveryStartOfAJobInTheTrailAlsoOneAPollHadToMakeWhileTheJobRuns() throws Exception {
    Run run = Run.start().approved();
    AtomicInteger polls = new AtomicInteger();
    RunbookStep job = services.of(DESTROYS).guarded("recheck", (execution, log) -> switch (polls.incrementAndGet()) {
      case 1 -> {
        log.startedJob("pg_restore a.dump", "started on node-a");
        yield null;
      }
      case 2 -> {
        log.ran("look at the job", "running");
        yield null;
      }
      case 3 -> {
        log.startedJob("pg_restore a.dump", "restarted: the earlier run vanished without an exit code on node-b");
        yield null;
      }
      default -> "done";
    });

    job.execute(run.execution());
    job.poll().execute(run.execution());
    job.poll().execute(run.execution());
    job.poll().execute(run.execution());

    List<AuditEvent> starts = audit.events(run.id()).stream().filter(e -> e.type().equals("STEP_STARTED")).toList();
    assertThat(run.trail()).endsWith("APPROVED approval", "STEP_STARTED recheck", "STEP_STARTED recheck", "STEP_FINISHED recheck");
    assertThat(starts).hasSize(2);
    assertThat(starts.get(1).outcome()).isEqualTo("job started again by the poll");
    assertThat(starts.get(1).details()).contains("pg_restore a.dump")
        .contains("restarted: the earlier run vanished without an exit code on node-b").contains("\"approval\"");
    assertThat(polls).hasValue(4);
  }

  @Test
  void shouldRecordTheStartAPollMadeAlsoWhenThePollThenFails() throws Exception {
    Run run = Run.start().approved();
    RunbookStep poll = services.of(DESTROYS).guarded("recheck", (execution, log) -> {
      log.startedJob("pg_restore a.dump", "restarted");
      throw new IllegalStateException("cannot read its log");
    }).poll();

    assertThatThrownBy(() -> poll.execute(run.execution())).hasMessage("cannot read its log");

    assertThat(run.trail()).endsWith("APPROVED approval", "STEP_STARTED recheck", "STEP_FAILED recheck");
  }

  @Test
  void shouldKeepAPolledStepThatDestroysNothingUnguarded() throws Exception {
    Run run = Run.start();

    services.of(KEEPS).step("backup", (execution, log) -> "taken").poll().execute(run.execution());

    assertThat(run.trail()).containsExactly("REQUESTED request", "STEP_FINISHED backup");
  }

  @Test
  void shouldGiveTheStepsTheRunsRequestAndTheApprovedPlan() throws Exception {
    Run run = Run.start();
    RunbookSteps<TestRequest> steps = services.of(DESTROYS);
    assertThat(steps.plans()).isSameAs(services.plans());
    assertThat(steps.request(run.execution())).isEqualTo(ASKED);
    assertThatThrownBy(() -> steps.approved(run.execution(), TestPlan.class)).isInstanceOf(StepRefusedException.class);

    run.approved();

    assertThat(steps.approved(run.execution(), TestPlan.class)).isEqualTo(PLAN);
  }

  @Test
  void shouldRecordWhereAJobStandsAndEndTheStepOnlyOnceItIsDone() {
    Run running = Run.start();
    Run done = Run.start();

    assertThat(RunbookSteps.job(running.execution(), "jobDone", false, null, "job finished")).isNull();
    assertThat(RunbookSteps.job(done.execution(), "jobDone", true, "node-2", "job finished")).isEqualTo("job finished");

    assertThat(running.variables()).containsExactly(Map.entry("jobDone", false));
    assertThat(done.variables()).containsOnly(Map.entry("jobDone", true), Map.entry(RunVariables.JOB_HOST, "node-2"));
  }

  @Test
  void shouldSayAJobFinishedWithItsLastWordWhenItHasOne() {
    assertThat(RunbookSteps.finished("restore", null)).isEqualTo("restore finished");
    assertThat(RunbookSteps.finished("restore", "to 0/5000028")).isEqualTo("restore finished (to 0/5000028)");
  }
}
