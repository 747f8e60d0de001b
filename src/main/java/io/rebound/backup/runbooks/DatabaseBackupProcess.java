package io.rebound.backup.runbooks;

/** The database-backup process: its key, element IDs and variable names. */
final class DatabaseBackupProcess {

  static final String KEY = "database-backup";
  /** The model in the classpath, as deployed without schedules; the schedules are added to it at start. */
  static final String RESOURCE = "processes/database-backup.bpmn";
  static final String START_FORM = "forms/database-backup-start.form";

  private DatabaseBackupProcess() {}

  /** Element IDs of {@code processes/database-backup.bpmn}. */
  static final class Elements {
    static final String START = "StartEvent_BackupRequested";
    static final String WHAT = "Gateway_WhatToDo";
    static final String START_BACKUP = "Task_StartBackup";
    static final String WAIT_BACKUP = "TimerEvent_WaitForBackup";
    static final String CHECK_BACKUP = "Task_CheckBackup";
    static final String UPLOAD_BACKUP = "Task_UploadBackup";
    static final String SHIP_LOGS = "Task_ShipLogs";
    static final String WAIT_LOGS = "TimerEvent_WaitForLogs";
    static final String CLEAN_WORK_DIRECTORY = "Task_CleanWorkDirectory";
    static final String PRUNE_LOCAL_ARCHIVE = "Task_PruneLocalArchive";
    static final String PRUNE_BACKUPS = "Task_PruneBackups";
    static final String END_BACKED_UP = "EndEvent_BackedUp";
    static final String END_LOGS_SHIPPED = "EndEvent_LogsShipped";
    static final String END_PRUNED = "EndEvent_Pruned";
    /** Prefix of the timer start events added per target and schedule. */
    static final String SCHEDULE_PREFIX = "StartEvent_Schedule_";

    private Elements() {}
  }

  /** Process variable names: the request as shown, and what the steps write for the gateways. */
  static final class Variables {
    static final String TARGET = "target";
    static final String TYPE = "type";
    static final String BACKUP_ID = "backupId";
    static final String BACKUP_DONE = "backupDone";
    static final String PARENT_ID = "parentId";
    static final String BACKUP_TYPE = "backupType";
    static final String LOGS_SHIPPED = "logsShipped";
    static final String DELETED = "deleted";

    private Variables() {}
  }
}
