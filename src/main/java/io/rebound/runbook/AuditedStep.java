package io.rebound.runbook;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the step delegates: writes the step's start, its end or its failure to the audit trail, with
 * every statement it ran and the outcome of each. Technical failures are rethrown for the engine to retry
 * and, when retries run out, to raise an incident; {@link BpmnError}s are outcomes the model handles.
 *
 * <p>A destructive step is built with a {@link StepGuard}: before it does anything, the guard checks that
 * a standing approval authorises it now (see {@link RunLedger#authorise}); a refusal is recorded and the
 * step fails without touching the target.
 */
public abstract class AuditedStep implements JavaDelegate {

  public static final String ENGINE_ACTOR = "rebound";
  private static final Logger LOG = LoggerFactory.getLogger(AuditedStep.class);

  protected final AuditTrail audit;
  private final StepGuard guard;
  private StepObserver observer = StepObserver.NONE;

  /** A step that destroys nothing. */
  protected AuditedStep(AuditTrail audit) {
    this.audit = audit;
    this.guard = null;
  }

  /** A destructive step: runs only as its approval's pass allows. A missing guard is a mistake, not a step that destroys nothing. */
  protected AuditedStep(AuditTrail audit, StepGuard guard) {
    this.audit = audit;
    this.guard = Objects.requireNonNull(guard, "a destructive step runs only under its approval's guard");
  }

  /**
   * Who is told of every step's end (the step durations in the metrics). Set by the container rather than passed to
   * the constructor, so that none of the steps has to carry it; a step built outside the application tells no one.
   */
  @Autowired(required = false)
  public final void setStepObserver(StepObserver observer) {
    this.observer = observer == null ? StepObserver.NONE : observer;
  }

  /** The step's name in the audit trail, e.g. {@code reset}. */
  protected abstract String step();

  /** The step's name for one execution; by default {@link #step()}, e.g. a table's name can be added. */
  protected String step(DelegateExecution execution) {
    return step();
  }

  /** Does the work; returns a one-line outcome for the audit trail, or null to record nothing on success. */
  protected abstract String run(DelegateExecution execution, StepLog log) throws Exception;

  /** Whether starting this delegate starts the step in the audit trail (false for the polls of a running job). */
  protected boolean recordsStart() {
    return true;
  }

  @Override
  public final void execute(DelegateExecution execution) throws Exception {
    String processInstanceId = execution.getProcessInstanceId();
    String step = step(execution);
    Map<String, Object> under = new LinkedHashMap<>();
    long started = System.nanoTime();
    if (guard != null) {
      try {
        RunLedger.GivenApproval approval = guard.authorise(execution, step);
        under.put("approval", approval.eventId());
      } catch (StepRefusedException refused) {
        audit.record(processInstanceId, AuditEventType.STEP_REFUSED, step, ENGINE_ACTOR, refused.getMessage(),
            Map.of("activity", execution.getCurrentActivityId(), "execution", execution.getId()));
        ended(execution, step, StepObserver.Ending.REFUSED, started);
        throw refused;
      }
    }
    if (recordsStart()) {
      Map<String, Object> details = new LinkedHashMap<>(under);
      details.put("activity", execution.getCurrentActivityId());
      audit.record(processInstanceId, AuditEventType.STEP_STARTED, step, ENGINE_ACTOR, null, details);
    }
    StepLog log = new StepLog();
    // One line per step in the application log, the run's id on it (the engine's logging context); what the step did
    // is in the audit trail, redacted, and not repeated here.
    try {
      String outcome = run(execution, log);
      recordJobStart(execution, step, log, under);
      if (outcome != null) {
        audit.record(processInstanceId, AuditEventType.STEP_FINISHED, step, ENGINE_ACTOR, outcome, details(execution, log, under));
        LOG.info("step {} finished", step);
      }
      if (outcome != null || recordsStart()) {
        // A poll that finds its job still running ends nothing.
        ended(execution, step, StepObserver.Ending.FINISHED, started);
      }
    } catch (BpmnError error) {
      recordJobStart(execution, step, log, under);
      audit.record(processInstanceId, AuditEventType.STEP_FAILED, step, ENGINE_ACTOR, error.getErrorCode() + ": " + error.getMessage(),
          details(execution, log, under));
      LOG.info("step {} ended with {}", step, error.getErrorCode());
      ended(execution, step, StepObserver.Ending.HANDLED_ERROR, started);
      throw error;
    } catch (Exception failure) {
      recordJobStart(execution, step, log, under);
      audit.record(processInstanceId, AuditEventType.STEP_FAILED, step, ENGINE_ACTOR, failure.getMessage(), details(execution, log, under));
      LOG.warn("step {} failed ({}); the engine retries it or raises an incident", step, failure.getClass().getSimpleName());
      ended(execution, step, StepObserver.Ending.FAILED, started);
      throw failure;
    }
  }

  /**
   * A poll (a step that does not record its start) that had to start its job again records that start, with what it ran:
   * every start of a job is in the audit trail, also one the poll's outcome would not show while the job runs.
   */
  private void recordJobStart(DelegateExecution execution, String step, StepLog log, Map<String, Object> under) {
    if (!recordsStart() && log.hasStartedJob()) {
      audit.record(execution.getProcessInstanceId(), AuditEventType.STEP_STARTED, step, ENGINE_ACTOR, "job started again by the poll",
          details(execution, log, under));
    }
  }

  private void ended(DelegateExecution execution, String step, StepObserver.Ending ending, long startedNanos) {
    if (observer == StepObserver.NONE) {
      return;
    }
    try {
      Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
      if (!recordsStart()) {
        // A step polled from a timer loop started in an earlier job: its start is in the trail.
        took = audit.latest(execution.getProcessInstanceId(), AuditEventType.STEP_STARTED).filter(e -> step.equals(e.step()))
            .map(e -> Duration.between(Instant.parse(e.at()), Instant.now())).orElse(took);
      }
      // The step's own name, not one a run adds to (a table's): one series per step of a runbook.
      observer.stepEnded(execution, step(), ending, took);
    } catch (RuntimeException e) {
      // Counting a step must never change how it ends.
      LOG.debug("step observer failed", e);
    }
  }

  /**
   * Ends the step with an outcome the model handles: the reason is kept for the people following the run
   * and the error code is thrown for the model's boundary event. Every step that ends so goes through here.
   */
  public static BpmnError fail(DelegateExecution execution, String errorCode, String reason) {
    execution.setVariable(RunVariables.FAILURE_REASON, reason);
    return new BpmnError(errorCode, reason);
  }

  private static Map<String, Object> details(DelegateExecution execution, StepLog log, Map<String, Object> under) {
    Map<String, Object> details = new LinkedHashMap<>(under);
    details.put("activity", execution.getCurrentActivityId());
    if (!log.entries().isEmpty()) {
      details.put("statements", log.entries());
    }
    details.putAll(log.facts());
    return details;
  }
}
