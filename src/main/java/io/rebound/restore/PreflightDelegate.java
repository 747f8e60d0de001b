package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.camunda.bpm.engine.variable.Variables;
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
    execution.setVariable(PLAN_CHANGES, "");
    audit.record(execution.getProcessInstanceId(), AuditEventType.PLAN_COMPUTED, step(), ENGINE_ACTOR, "plan " + plan.hash(),
        Map.of("planHash", plan.hash(), "plan", plan.text()));
    return "plan computed: " + plan.usersToReplace().size() + " users, " + plan.inventory().sessions().size() + " sessions";
  }

  /**
   * Stores the plan: whole, as bytes (engine string variables hold at most 4000 characters), and as text
   * for the approval form, shortened if need be with a pointer to the whole plan.
   */
  static void storePlan(DelegateExecution execution, SchemaRestoreService service, RestorePlan plan) {
    execution.setVariable(PLAN, Variables.byteArrayValue(service.toJson(plan).getBytes(StandardCharsets.UTF_8)));
    execution.setVariable(PLAN_TEXT, fitForForm(plan.text(), execution.getProcessInstanceId()));
    execution.setVariable(PLAN_HASH, plan.hash());
  }

  /** Engine string variables hold 4000 characters; longer text is cut with a pointer to where it is whole. */
  static String fitForForm(String text, String processInstanceId) {
    int limit = 3800;
    if (text.length() <= limit) {
      return text;
    }
    return text.substring(0, limit) + "\n… (shortened; the whole text is in GET /api/recoveries/" + processInstanceId + "/plan and in the audit trail)";
  }
}
