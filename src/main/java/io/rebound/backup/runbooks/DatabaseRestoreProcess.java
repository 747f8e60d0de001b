package io.rebound.backup.runbooks;

/** The database-restore process: its key, element IDs and variable names. */
final class DatabaseRestoreProcess {

  static final String KEY = "database-restore";

  private DatabaseRestoreProcess() {}

  /** Element IDs of {@code processes/database-restore.bpmn}. */
  static final class Elements {
    static final String START = "StartEvent_RestoreRequested";
    static final String PLAN = "Task_PlanRestore";
    static final String APPROVE = "UserTask_ApproveRestore";
    static final String APPROVAL_EXPIRED = "BoundaryEvent_ApprovalExpired";
    static final String RECHECK_PLAN = "Task_RecheckPlan";
    static final String CHECK_PIECES = "Task_CheckPieces";
    static final String START_RESTORE = "Task_StartRestore";
    static final String WAIT_RESTORE = "TimerEvent_WaitForRestore";
    static final String CHECK_RESTORE = "Task_CheckRestore";
    static final String VERIFY = "Task_Verify";
    static final String END_RESTORED = "EndEvent_Restored";
    static final String END_REJECTED = "EndEvent_Rejected";
    static final String END_EXPIRED = "EndEvent_Expired";

    private Elements() {}
  }

  /** Process variable names: the request as shown, and what the steps write for the gateways. */
  static final class Variables {
    static final String TARGET = "target";
    static final String POINT_IN_TIME = "pointInTime";
    static final String DESTINATION = "destination";
    static final String RESTORE_DONE = "restoreDone";
    static final String VERIFY_SUMMARY = "verifySummary";

    private Variables() {}
  }
}
