package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Reset: lock the accounts, end their sessions, drop them with everything they own. Safe to run twice. */
@Component
public class ResetSchemaDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final Plans plans;

  public ResetSchemaDelegate(AuditTrail audit, SchemaRestoreService service, Plans plans, ApprovedPass pass, SchemaRestoreRunbook runbook) {
    super(audit, pass.of(runbook));
    this.service = service;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return SchemaRestoreRunbook.RESET;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan plan = plans.approved(execution, RestorePlan.class);
    service.reset(plan, log);
    return "dropped " + plan.inventory().existingUsers().size() + " users";
  }
}
