package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Bootstrap: create the users with minimal grants (and, on Oracle, the DIRECTORY) for the import. */
@Component
public class BootstrapUsersDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final Plans plans;

  public BootstrapUsersDelegate(AuditTrail audit, SchemaRestoreService service, Plans plans, ApprovedPass pass, SchemaRestoreRunbook runbook) {
    super(audit, pass.of(runbook));
    this.service = service;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return SchemaRestoreRunbook.BOOTSTRAP;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan plan = plans.approved(execution, RestorePlan.class);
    service.bootstrap(plan, log);
    if (!plan.lockedUsers().isEmpty()) {
      log.fact("lockedUsers", plan.lockedUsers());
    }
    return "created " + plan.usersToReplace().size() + " users" + (plan.lockedUsers().isEmpty() ? "" : ", locked: " + plan.lockedUsers());
  }
}
