package io.rebound.repair;

/** The workstation-repair process: its key, element IDs and variable names. */
public final class WorkstationRepairProcess {

  public static final String KEY = "workstation-repair";

  private WorkstationRepairProcess() {}

  /** Element IDs of {@code processes/workstation-repair.bpmn}. */
  public static final class Elements {
    public static final String START = "StartEvent_RepairRequested";
    public static final String DIAGNOSE = "Task_Diagnose";
    public static final String NEEDS_REPAIR = "Gateway_NeedsRepair";
    public static final String MARK_REPAIR_STARTED = "Task_MarkRepairStarted";
    public static final String APPROVAL_REQUIRED = "Gateway_ApprovalRequired";
    public static final String APPROVE_REPAIR = "UserTask_ApproveRepair";
    public static final String APPROVAL_EXPIRED = "BoundaryEvent_ApprovalExpired";
    public static final String APPROVED = "Gateway_Approved";
    public static final String WITHDRAW_MARK = "Task_WithdrawRepairMark";
    public static final String WITHDRAW_MARK_AFTER_EXPIRY = "Task_WithdrawRepairMarkAfterExpiry";
    public static final String RECHECK_PLAN = "Task_RecheckPlan";
    public static final String PLAN_UNCHANGED = "Gateway_PlanUnchanged";
    public static final String WITHDRAW_MARK_AFTER_CHANGE = "Task_WithdrawRepairMarkAfterChange";
    public static final String END_PLAN_CHANGED = "EndEvent_PlanChanged";
    public static final String TO_REPAIR = "Gateway_ToRepair";
    public static final String RESTORE_QUEUES = "Task_RestoreQueues";
    public static final String FETCH_FROM_SERVER = "Task_FetchFromServer";
    public static final String SERVER_REPLICAS_COMPLETE = "Gateway_ServerReplicasComplete";
    public static final String RETRANSMISSION_WAIT = "TimerEvent_RetransmissionWait";
    public static final String AWAIT_OWN_REPLICAS = "Task_AwaitOwnReplicas";
    public static final String OWN_REPLICAS_COMPLETE = "Gateway_OwnReplicasComplete";
    public static final String OWN_REPLICAS_WAIT = "TimerEvent_OwnReplicasWait";
    public static final String APPLY_QUE_IN = "Task_ApplyQueIn";
    public static final String APPLY_UNSENT_QUE_OUT = "Task_ApplyUnsentQueOut";
    public static final String REPAIR_GENERATORS = "Task_RepairGenerators";
    public static final String REPAIR_MARKS = "Task_RepairMarks";
    public static final String REMOVE_REPAIR_MARK = "Task_RemoveRepairMark";
    public static final String END_REPAIRED = "EndEvent_Repaired";
    public static final String END_NO_REPAIR_NEEDED = "EndEvent_NoRepairNeeded";
    public static final String END_REJECTED = "EndEvent_Rejected";
    public static final String END_EXPIRED = "EndEvent_Expired";

    private Elements() {}
  }

  /** Variables shown to the people following a run, and what steps write for the model's gateways. */
  public static final class Variables {
    public static final String WORKSTATION = "workstation";
    public static final String APPROVAL_REQUIRED = "approvalRequired";
    public static final String RETRANSMISSION_WAIT = "retransmissionWait";
    public static final String RETRANSMISSION_GIVE_UP = "retransmissionGiveUp";
    public static final String NEEDS_REPAIR = "needsRepair";
    public static final String REASONS = "reasons";
    public static final String SERVER_REPLICAS_COMPLETE = "serverReplicasComplete";
    public static final String OWN_REPLICAS_COMPLETE = "ownReplicasComplete";
    public static final String MISSING = "missingReplicas";
    public static final String WAITING_SINCE = "retransmissionWaitingSince";

    private Variables() {}
  }
}
