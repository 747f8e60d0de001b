package io.rebound.audit;

/** What an audit row records. */
public enum AuditEventType {
  REQUESTED,
  PLAN_COMPUTED,
  PLAN_CHANGED,
  APPROVED,
  REJECTED,
  APPROVAL_REFUSED,
  APPROVAL_EXPIRED,
  STEP_STARTED,
  STEP_FINISHED,
  STEP_FAILED,
  INCIDENT,
  RETRY,
  ENDED,
  /** A destructive step that no standing approval authorises (a second pass, a token placed past the approval). */
  STEP_REFUSED,
  /** A user, password, group membership or authorization changed: who may act, and as whom. */
  IDENTITY_CHANGED
}
