package io.rebound.runbook;

import java.util.function.Predicate;
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
    return of(runbook, request -> true);
  }

  /**
   * The guard for a runbook whose request may say that it runs without approval (an unattended site): such a
   * run passes the same steps once each, in order, counted from its REQUESTED event; every other run needs
   * its standing approval. The request is the one checked against its hash at the start, so a run cannot be
   * made unattended after it was asked for.
   */
  public <R> StepGuard of(Runbook<R> runbook, Predicate<R> approvalRequired) {
    Approval<R> approval = runbook.approval()
        .orElseThrow(() -> new IllegalArgumentException(runbook.key() + " has no approval to guard its steps with"));
    return (execution, step) -> {
      R request = requests.read(execution, runbook);
      RunLedger run = ledger.of(execution.getProcessInstanceId());
      return approvalRequired.test(request) ? run.authorise(approval.pass().apply(request), step)
          : run.authoriseUnattended(approval.pass().apply(request), step);
    };
  }
}
