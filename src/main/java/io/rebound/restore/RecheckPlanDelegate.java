package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Computes the plan again just before the reset. If the database changed since the approval (a new user,
 * more objects, another dump), the run goes back to approval showing what changed. The first step of the
 * approved pass: nothing destructive runs until it has found the approved plan still true.
 */
@Component
public class RecheckPlanDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final Plans plans;

  public RecheckPlanDelegate(AuditTrail audit, SchemaRestoreService service, Plans plans, ApprovedPass pass, SchemaRestoreRunbook runbook) {
    super(audit, pass.of(runbook));
    this.service = service;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return SchemaRestoreRunbook.RECHECK;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan approved = plans.approved(execution, RestorePlan.class);
    RestorePlan current;
    try {
      current = service.preflight(approved.request(), execution.getProcessInstanceId(), log);
    } catch (DumpNotFoundException e) {
      throw fail(execution, SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
    }
    if (!plans.recheck(execution, approved, current, step())) {
      return "plan unchanged since approval (" + approved.hash() + ")";
    }
    return "plan changed since approval; back to approval";
  }
}
