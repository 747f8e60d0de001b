package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Reset: lock the accounts, end their sessions, drop them with everything they own. Safe to run twice. */
@Component
public class ResetSchemaDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RestoreRuns runs;

  public ResetSchemaDelegate(AuditTrail audit, SchemaRestoreService service, RestoreRuns runs) {
    super(audit);
    this.service = service;
    this.runs = runs;
  }

  @Override
  protected String step() {
    return "reset";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan plan = runs.approvedPlan(execution, execution.getProcessInstanceId());
    service.reset(plan, log);
    return "dropped " + plan.inventory().existingUsers().size() + " users";
  }
}
