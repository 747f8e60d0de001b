package io.rebound.runbook;

/** How a run ended. */
public enum RunOutcome {
  COMPLETED,
  COMPLETED_WITH_FAILURES,
  REJECTED,
  EXPIRED,
  FAILED,
  /** Deleted before it reached an end event (from Cockpit or the engine's REST API). */
  CANCELLED
}
