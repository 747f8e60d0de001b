package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Computes the plan again just before the reset. If the database changed since the approval (a new user,
 * more objects, another dump), the run goes back to approval showing what changed.
 */
@Component
public class RecheckPlanDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RestoreRuns runs;

  public RecheckPlanDelegate(AuditTrail audit, SchemaRestoreService service, RestoreRuns runs) {
    super(audit);
    this.service = service;
    this.runs = runs;
  }

  @Override
  protected String step() {
    return "recheck-plan";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    String processInstanceId = execution.getProcessInstanceId();
    String approvedHash = runs.approvedPlanHash(processInstanceId)
        .orElseThrow(() -> new IllegalStateException("no approval is recorded for this run"));
    RestorePlan approved = service.fromJson((byte[]) execution.getVariable(PLAN), approvedHash);
    RestorePlan current;
    try {
      current = service.preflight(runs.request(execution), processInstanceId, log);
    } catch (DumpNotFoundException e) {
      execution.setVariable(FAILURE_REASON, e.getMessage());
      throw new BpmnError(SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
    }
    if (current.hash().equals(approvedHash)) {
      execution.setVariable(PLAN_CHANGED, false);
      return "plan unchanged since approval (" + approvedHash + ")";
    }
    String changes = approved.differencesFrom(current);
    PreflightDelegate.storePlan(execution, service, current);
    execution.setVariable(PLAN_CHANGED, true);
    execution.setVariable(PLAN_CHANGES, PreflightDelegate.fitForForm(changes, processInstanceId));
    execution.removeVariable(APPROVED);
    audit.record(processInstanceId, AuditEventType.PLAN_CHANGED, step(), ENGINE_ACTOR, "plan " + current.hash() + " replaces approved " + approvedHash,
        Map.of("planHash", current.hash(), "approvedHash", approvedHash, "changes", changes, "plan", current.text()));
    return "plan changed since approval; back to approval";
  }
}
