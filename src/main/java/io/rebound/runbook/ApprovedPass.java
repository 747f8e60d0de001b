package io.rebound.runbook;

import org.springframework.stereotype.Component;

/** The guard of a runbook's destructive steps: one approval, one pass, in order. */
@Component
public class ApprovedPass {

  private final ApprovalLedger ledger;
  private final RunbookRequests requests;

  public ApprovedPass(ApprovalLedger ledger, RunbookRequests requests) {
    this.ledger = ledger;
    this.requests = requests;
  }

  /** The guard for the destructive steps of {@code runbook}, which must have an approval. */
  public <R> StepGuard of(Runbook<R> runbook) {
    Approval<R> approval = runbook.approval()
        .orElseThrow(() -> new IllegalArgumentException(runbook.key() + " has no approval to guard its steps with"));
    return (execution, step) -> {
      R request = requests.read(execution, runbook);
      return ledger.of(execution.getProcessInstanceId()).authorise(approval.pass().apply(request), step);
    };
  }
}
