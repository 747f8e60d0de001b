package io.rebound.restore;

/** The schema-restore process: its key, element IDs, variable names and error codes. */
public final class SchemaRestoreProcess {

  public static final String KEY = "schema-restore";

  private SchemaRestoreProcess() {}

  /** Element IDs of {@code processes/schema-restore.bpmn}. */
  public static final class Elements {
    public static final String START = "StartEvent_RestoreRequested";
    public static final String PREFLIGHT = "Task_Preflight";
    public static final String APPROVE_RESET = "UserTask_ApproveReset";
    public static final String APPROVAL_EXPIRED = "BoundaryEvent_ApprovalExpired";
    public static final String RECHECK_PLAN = "Task_RecheckPlan";
    public static final String START_SAFETY_EXPORT = "Task_StartSafetyExport";
    public static final String WAIT_SAFETY_EXPORT = "TimerEvent_WaitForSafetyExport";
    public static final String CHECK_SAFETY_EXPORT = "Task_CheckSafetyExport";
    public static final String RESET_SCHEMA = "Task_ResetSchema";
    public static final String BOOTSTRAP_USERS = "Task_BootstrapUsers";
    public static final String START_IMPORT = "Task_StartImport";
    public static final String WAIT_IMPORT = "TimerEvent_WaitForImport";
    public static final String CHECK_IMPORT = "Task_CheckImport";
    public static final String VERIFY = "Task_Verify";
    public static final String END_RESTORED = "EndEvent_Restored";
    public static final String END_REJECTED = "EndEvent_Rejected";
    public static final String END_EXPIRED = "EndEvent_Expired";
    public static final String END_DUMP_NOT_FOUND = "EndEvent_DumpNotFound";
    public static final String END_VERIFICATION_FAILED = "EndEvent_VerificationFailed";
    public static final String END_DIFFERS_FROM_REFERENCE = "EndEvent_DiffersFromReference";
    public static final String COMPARE_WITH_REFERENCE = "CallActivity_CompareWithReference";

    private Elements() {}
  }

  /**
   * Process variable names: the request as shown in Cockpit (never read back: steps read the request), and
   * what the steps write for the model's gateways.
   */
  public static final class Variables {
    public static final String TARGET = "target";
    public static final String PROFILE = "profile";
    public static final String SCHEMA_OWNER = "schemaOwner";
    public static final String COMPANION_USERS = "companionUsers";
    public static final String DUMP_FILE = "dumpFile";
    public static final String KEY_TABLES = "keyTables";
    public static final String SAFETY_EXPORT = "safetyExport";
    public static final String SAFETY_EXPORT_FILE = "safetyExportFile";
    public static final String SAFETY_EXPORT_DONE = "safetyExportDone";
    public static final String IMPORT_DONE = "importDone";
    public static final String VERIFY_SUMMARY = "verifySummary";
    public static final String INVALID_OBJECTS = "invalidObjects";
    public static final String ROW_COUNTS = "rowCounts";
    public static final String REFERENCE_TARGET = "referenceTarget";
    public static final String COMPARISON_ID = "comparisonId";
    public static final String MATCHES_REFERENCE = "matchesReference";

    private Variables() {}
  }

  /** BPMN error codes the model catches. */
  public static final class Errors {
    public static final String DUMP_NOT_FOUND = "Error_DumpNotFound";
    public static final String VERIFICATION_FAILED = "Error_VerificationFailed";

    private Errors() {}
  }
}
