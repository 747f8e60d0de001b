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

/** Preflight: target reachable, dump present, what will be replaced, and the plan to approve. */
@Component
public class PreflightDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RestoreRuns runs;

  public PreflightDelegate(AuditTrail audit, SchemaRestoreService service, RestoreRuns runs) {
    super(audit);
    this.service = service;
    this.runs = runs;
  }

  @Override
  protected String step() {
    return "preflight";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    SchemaRestoreRequest request = runs.request(execution);
    RestorePlan plan;
    try {
      plan = service.preflight(request, execution.getProcessInstanceId(), log);
    } catch (DumpNotFoundException e) {
      execution.setVariable(FAILURE_REASON, e.getMessage());
      throw new BpmnError(SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
    }
    storePlan(execution, service, plan);
    audit.record(execution.getProcessInstanceId(), AuditEventType.PLAN_COMPUTED, step(), ENGINE_ACTOR, "plan " + plan.hash(),
        Map.of("planHash", plan.hash(), "plan", plan.text()));
    return "plan computed: " + plan.usersToReplace().size() + " users, " + plan.inventory().sessions().size() + " sessions";
  }

  static void storePlan(DelegateExecution execution, SchemaRestoreService service, RestorePlan plan) {
    execution.setVariable(PLAN, service.toJson(plan));
    execution.setVariable(PLAN_TEXT, plan.text());
    execution.setVariable(PLAN_HASH, plan.hash());
  }
}
