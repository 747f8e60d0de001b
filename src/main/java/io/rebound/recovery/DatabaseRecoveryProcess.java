package io.rebound.recovery;

/** The database-recovery process: its key, element IDs, error codes and variable names. */
final class DatabaseRecoveryProcess {

  static final String KEY = "database-recovery";

  private DatabaseRecoveryProcess() {}

  /** Element IDs of {@code processes/database-recovery.bpmn}. */
  static final class Elements {
    static final String START = "StartEvent_RecoveryRequested";
    static final String TRIAGE = "Task_Triage";
    static final String VERIFY_INSTANCE = "Task_VerifyInstance";
    static final String PLAN = "Task_PlanRecovery";
    static final String APPROVE = "UserTask_ApproveRecovery";
    static final String APPROVAL_EXPIRED = "BoundaryEvent_ApprovalExpired";
    static final String RECHECK = "Task_RecheckRecovery";
    static final String START_RECOVERY = "Task_StartRecovery";
    static final String WAIT_RECOVERY = "TimerEvent_WaitForRecovery";
    static final String CHECK_RECOVERY = "Task_CheckRecovery";
    static final String VERIFY = "Task_VerifyRecovery";
    static final String END_INSTANCE_RECOVERED = "EndEvent_InstanceRecovered";
    static final String END_RECOVERED = "EndEvent_Recovered";
    static final String END_REJECTED = "EndEvent_Rejected";
    static final String END_EXPIRED = "EndEvent_Expired";
    static final String END_NOT_RECOVERABLE = "EndEvent_NotRecoverable";
    static final String END_PICTURE_CHANGED = "EndEvent_PictureChanged";

    private Elements() {}
  }

  /** Error codes of the outcomes the model handles. */
  static final class Errors {
    /** Triage cannot tell what is damaged, or no backup can recover it. */
    static final String NOT_RECOVERABLE = "Error_NotRecoverable";
    /** The triage after the approval found another picture than the one approved. */
    static final String PICTURE_CHANGED = "Error_PictureChanged";

    private Errors() {}
  }

  /** Process variable names: the request as shown, and what the steps write for the gateways and the people following. */
  static final class Variables {
    static final String TARGET = "target";
    static final String POINT_IN_TIME = "pointInTime";
    static final String STRATEGY = "strategy";
    static final String MOUNT_NEEDED = "mountNeeded";
    static final String RENAME_NEEDED = "renameNeeded";
    static final String COMPLETE = "completeRecovery";
    static final String DATA_LOSS = "dataLoss";
    static final String FILES_AFFECTED = "filesAffected";
    static final String TRIAGE_SUMMARY = "triageSummary";
    static final String RECOVERY_DONE = "recoveryDone";
    static final String VERIFY_SUMMARY = "verifySummary";

    private Variables() {}
  }
}
