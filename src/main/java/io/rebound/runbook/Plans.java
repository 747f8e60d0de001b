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
  /**
   * The plan and what changed, as the approval forms show them: each a Markdown code block, which Tasklist shows whole
   * at its natural height, where a text area would show a few lines in a box to scroll.
   */
  public static final String PLAN_VIEW = "planView";
  public static final String PLAN_CHANGES_VIEW = "planChangesView";

  private static final int FORM_LIMIT = 3800;
  private static final String CODE_INDENT = "    ";

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
    execution.setVariable(PLAN_CHANGES_VIEW, "");
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
    String shownChanges = fitForForm(changes, execution.getProcessInstanceId());
    execution.setVariable(PLAN_CHANGES, shownChanges);
    execution.setVariable(PLAN_CHANGES_VIEW, codeBlock(changes, execution.getProcessInstanceId()));
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
    String shown = fitForForm(plan.text(), execution.getProcessInstanceId());
    execution.setVariable(PLAN_TEXT, shown);
    execution.setVariable(PLAN_VIEW, codeBlock(plan.text(), execution.getProcessInstanceId()));
    execution.setVariable(PLAN_HASH, plan.hash());
  }

  /**
   * {@code text} as a Markdown code block that shows it literally, whatever it holds: every line indented by four
   * spaces, so no line of it can end the block or be read as Markdown or HTML (a fence could be closed by a line of the
   * text). Shortened like {@link #fitForForm}, whole lines first, so that the block fits a text variable.
   */
  static String codeBlock(String text, String processInstanceId) {
    String shortened = shortenedNote(processInstanceId);
    StringBuilder block = new StringBuilder();
    String[] lines = text.split("\n", -1);
    int last = text.endsWith("\n") ? lines.length - 1 : lines.length;
    for (int i = 0; i < last; i++) {
      String line = CODE_INDENT + lines[i] + "\n";
      int room = FORM_LIMIT - block.length();
      if (line.length() > room) {
        if (room > CODE_INDENT.length() + 1) {
          block.append(line, 0, room - 1).append('\n');
        }
        return block.append('\n').append(shortened.strip()).toString();
      }
      block.append(line);
    }
    return block.toString();
  }

  /** Engine text variables hold 4000 characters; longer text is cut with a pointer to where it is whole. */
  static String fitForForm(String text, String processInstanceId) {
    int limit = FORM_LIMIT;
    if (text.length() <= limit) {
      return text;
    }
    return text.substring(0, limit) + shortenedNote(processInstanceId);
  }

  private static String shortenedNote(String processInstanceId) {
    return "\n… (shortened; the whole text is in GET /api/recoveries/" + processInstanceId + "/plan and in the audit trail)";
  }
}
