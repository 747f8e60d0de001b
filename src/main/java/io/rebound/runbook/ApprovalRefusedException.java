package io.rebound.runbook;

/** An approval, assignment or delegation that four eyes or the approvers group forbids. */
public class ApprovalRefusedException extends RuntimeException {

  public ApprovalRefusedException(String message) {
    super(message);
  }
}
