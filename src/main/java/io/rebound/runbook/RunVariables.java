package io.rebound.runbook;

/**
 * Variables every run may carry for the people following it. They are shown, never trusted: what a step
 * acts on comes from the request, the approved plan and the audit trail.
 */
public final class RunVariables {

  /** Who asked for the run. */
  public static final String REQUESTER = "requester";
  /** Who approved or rejected it. */
  public static final String APPROVER = "approver";
  /** Why the run ended failed. */
  public static final String FAILURE_REASON = "failureReason";
  /** How far a long step is, in percent. */
  public static final String PROGRESS = "progress";
  /** The host that runs (or ran) the run's current detached job: where to look while it runs on after its node died. */
  public static final String JOB_HOST = "jobHost";

  private RunVariables() {}
}
