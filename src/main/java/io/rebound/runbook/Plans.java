package io.rebound.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * A run's plan: shown for approval (stored in the run, recorded with its hash in the audit trail), and
 * read back by the destructive steps only as the plan whose hash the standing approval names.
 */
@Component
public class Plans {

  /** The whole plan, as JSON bytes (engine text variables hold at most 4000 characters). */
  public static final String PLAN = "plan";
  /** The plan as the approval form shows it, shortened if need be. */
  public static final String PLAN_TEXT = "planText";
  public static final String PLAN_HASH = "planHash";
  /** Whether the recheck found a plan other than the approved one, and what changed. */
  public static final String PLAN_CHANGED = "planChanged";
  public static final String PLAN_CHANGES = "planChanges";

  private static final int FORM_LIMIT = 3800;

  private final AuditTrail audit;
  private final ApprovalLedger ledger;
  private final ObjectMapper json;

  public Plans(AuditTrail audit, ApprovalLedger ledger, ObjectMapper json) {
    this.audit = audit;
    this.ledger = ledger;
    this.json = json;
  }

  /** Shows a newly computed plan for approval. */
  public void present(DelegateExecution execution, ApprovablePlan plan, String step) {
    store(execution, plan);
    execution.setVariable(PLAN_CHANGES, "");
    audit.record(execution.getProcessInstanceId(), AuditEventType.PLAN_COMPUTED, step, AuditedStep.ENGINE_ACTOR, "plan " + plan.hash(),
        Map.of("planHash", plan.hash(), "plan", plan.text()));
  }

  /**
   * Compares the plan computed again with the approved one; a different plan is shown for approval with
   * what changed, and the approval no longer stands. Returns whether the plan changed.
   */
  public boolean recheck(DelegateExecution execution, ApprovablePlan approved, ApprovablePlan current, String step) {
    boolean changed = !current.hash().equals(approved.hash());
    execution.setVariable(PLAN_CHANGED, changed);
    if (!changed) {
      return false;
    }
    String changes = approved.changesTo(current);
    store(execution, current);
    execution.setVariable(PLAN_CHANGES, fitForForm(changes, execution.getProcessInstanceId()));
    execution.removeVariable(Approval.APPROVED);
    audit.record(execution.getProcessInstanceId(), AuditEventType.PLAN_CHANGED, step, AuditedStep.ENGINE_ACTOR,
        "plan " + current.hash() + " replaces approved " + approved.hash(),
        Map.of("planHash", current.hash(), "approvedHash", approved.hash(), "changes", changes, "plan", current.text()));
    return true;
  }

  /** The plan the standing approval was given for; refuses when none stands or the stored plan is another. */
  public <P extends ApprovablePlan> P approved(DelegateExecution execution, Class<P> type) {
    String approvedHash = ledger.of(execution.getProcessInstanceId()).standingApproval()
        .orElseThrow(() -> new StepRefusedException("no approval stands for this run; refusing to run a destructive step"))
        .planHash();
    Object stored = execution.getVariable(PLAN);
    if (!(stored instanceof byte[] bytes)) {
      throw new IllegalStateException("the run holds no plan");
    }
    P plan;
    try {
      plan = json.readValue(bytes, type);
    } catch (IOException e) {
      throw new IllegalStateException("the stored plan cannot be read: " + e.getMessage(), e);
    }
    if (!plan.hash().equals(approvedHash)) {
      throw new StepRefusedException("the stored plan (hash " + plan.hash() + ") is not the approved plan (hash " + approvedHash
          + "); refusing to run it");
    }
    return plan;
  }

  private void store(DelegateExecution execution, ApprovablePlan plan) {
    try {
      execution.setVariable(PLAN, Variables.byteArrayValue(json.writeValueAsBytes(plan)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    execution.setVariable(PLAN_TEXT, fitForForm(plan.text(), execution.getProcessInstanceId()));
    execution.setVariable(PLAN_HASH, plan.hash());
  }

  /** Engine text variables hold 4000 characters; longer text is cut with a pointer to where it is whole. */
  static String fitForForm(String text, String processInstanceId) {
    if (text.length() <= FORM_LIMIT) {
      return text;
    }
    return text.substring(0, FORM_LIMIT) + "\n… (shortened; the whole text is in GET /api/recoveries/" + processInstanceId
        + "/plan and in the audit trail)";
  }
}
