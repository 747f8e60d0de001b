package io.rebound.restore;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Preflight: target reachable, dump present, what will be replaced, and the plan to approve. */
@Component
public class PreflightDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RunbookRequests requests;
  private final SchemaRestoreRunbook runbook;
  private final Plans plans;

  public PreflightDelegate(AuditTrail audit, SchemaRestoreService service, RunbookRequests requests, SchemaRestoreRunbook runbook, Plans plans) {
    super(audit);
    this.service = service;
    this.requests = requests;
    this.runbook = runbook;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return "preflight";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RestorePlan plan;
    try {
      plan = service.preflight(requests.read(execution, runbook), execution.getProcessInstanceId(), log);
    } catch (DumpNotFoundException e) {
      throw fail(execution, SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
    }
    plans.present(execution, plan, step());
    return "plan computed: " + plan.usersToReplace().size() + " users, " + plan.inventory().sessions().size() + " sessions";
  }
}
