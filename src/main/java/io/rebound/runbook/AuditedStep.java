package io.rebound.runbook;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * Base of the step delegates: writes the step's start, its end or its failure to the audit trail, with
 * every statement it ran and the outcome of each. Technical failures are rethrown for the engine to retry
 * and, when retries run out, to raise an incident; {@link BpmnError}s are outcomes the model handles.
 */
public abstract class AuditedStep implements JavaDelegate {

  public static final String ENGINE_ACTOR = "rebound";

  protected final AuditTrail audit;

  protected AuditedStep(AuditTrail audit) {
    this.audit = audit;
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
    if (recordsStart()) {
      audit.record(processInstanceId, AuditEventType.STEP_STARTED, step, ENGINE_ACTOR, null, Map.of("activity", execution.getCurrentActivityId()));
    }
    StepLog log = new StepLog();
    try {
      String outcome = run(execution, log);
      if (outcome != null) {
        audit.record(processInstanceId, AuditEventType.STEP_FINISHED, step, ENGINE_ACTOR, outcome, details(execution, log));
      }
    } catch (BpmnError error) {
      audit.record(processInstanceId, AuditEventType.STEP_FAILED, step, ENGINE_ACTOR, error.getErrorCode() + ": " + error.getMessage(),
          details(execution, log));
      throw error;
    } catch (Exception failure) {
      audit.record(processInstanceId, AuditEventType.STEP_FAILED, step, ENGINE_ACTOR, failure.getMessage(), details(execution, log));
      throw failure;
    }
  }

  private static Map<String, Object> details(DelegateExecution execution, StepLog log) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("activity", execution.getCurrentActivityId());
    if (!log.entries().isEmpty()) {
      details.put("statements", log.entries());
    }
    details.putAll(log.facts());
    return details;
  }

  protected static String string(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? null : value.toString();
  }

  protected static boolean bool(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
  }
}
