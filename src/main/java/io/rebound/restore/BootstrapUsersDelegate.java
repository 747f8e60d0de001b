package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Bootstrap: create the users with minimal grants (and, on Oracle, the DIRECTORY) for the import. */
@Component
public class BootstrapUsersDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RestoreRuns runs;

  public BootstrapUsersDelegate(AuditTrail audit, SchemaRestoreService service, RestoreRuns runs) {
    super(audit);
    this.service = service;
    this.runs = runs;
  }

  @Override
  protected String step() {
    return "bootstrap";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan plan = runs.approvedPlan(execution, execution.getProcessInstanceId());
    service.bootstrap(plan, log);
    if (!plan.lockedUsers().isEmpty()) {
      log.fact("lockedUsers", plan.lockedUsers());
    }
    return "created " + plan.usersToReplace().size() + " users" + (plan.lockedUsers().isEmpty() ? "" : ", locked: " + plan.lockedUsers());
  }
}
