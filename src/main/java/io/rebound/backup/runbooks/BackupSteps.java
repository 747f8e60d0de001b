package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseBackupProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.StepLog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The steps of the database-backup process: thin delegates over {@link DatabaseBackupService} and
 * {@link BackupCatalogService}. None destroys anything of a database; retention deletes from the bucket only what
 * {@link io.rebound.backup.Retention} says no point in the window needs, each deletion in the step's audit event.
 */
final class BackupSteps {

  private BackupSteps() {}

  /** What every step needs, injected once. */
  @Component
  record Services(AuditTrail audit, DatabaseBackupService backups, BackupCatalogService catalog, BackupRun run) {}

  /** The backup the run takes, as the start step decided it (type and parent), for every later call of its job. */
  static BackupRequest backupRequest(Services services, DelegateExecution execution) {
    BackupRunRequest request = services.run().request(execution);
    BackupType type = BackupType.valueOf((String) execution.getVariable(BACKUP_TYPE));
    String runId = execution.getProcessInstanceId();
    String id = type.name().toLowerCase() + "-" + runId;
    if (type == BackupType.FULL) {
      return new BackupRequest(DatabaseBackupService.backupJob(runId), id, type, null);
    }
    String parentId = (String) execution.getVariable(PARENT_ID);
    BackupManifest parent = services.catalog().snapshot(request.target()).backups().stream()
        .filter(backup -> backup.id().equals(parentId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the parent backup " + parentId + " is no longer in the catalog"));
    return new BackupRequest(DatabaseBackupService.backupJob(runId), id, type, parent);
  }

  @Component("startBackupDelegate")
  static class StartBackupDelegate extends AuditedStep {
    private final Services services;

    StartBackupDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "backup";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      BackupRunRequest request = services.run().request(execution);
      BackupRequest backup = services.backups().request(request, execution.getProcessInstanceId(), log);
      execution.setVariable(BACKUP_TYPE, backup.type().name());
      execution.setVariable(BACKUP_ID, backup.backupId());
      if (backup.parent() != null) {
        execution.setVariable(PARENT_ID, backup.parent().id());
      }
      return record(execution, backup, services.backups().backup(request.target(), backup, log));
    }

    static String record(DelegateExecution execution, BackupRequest backup, DatabaseBackupService.Progress progress) {
      execution.setVariable(BACKUP_DONE, progress.done());
      if (progress.host() != null) {
        execution.setVariable(RunVariables.JOB_HOST, progress.host());
      }
      return progress.done() ? backup.type() + " backup " + backup.backupId() + " taken" : null;
    }
  }

  @Component("checkBackupDelegate")
  static class CheckBackupDelegate extends AuditedStep {
    private final Services services;

    CheckBackupDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "backup";
    }

    @Override
    protected boolean recordsStart() {
      return false;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      BackupRequest backup = backupRequest(services, execution);
      String target = services.run().request(execution).target();
      return StartBackupDelegate.record(execution, backup, services.backups().backup(target, backup, log));
    }
  }

  @Component("uploadBackupDelegate")
  static class UploadBackupDelegate extends AuditedStep {
    private final Services services;

    UploadBackupDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "upload";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) throws Exception {
      BackupManifest published = services.backups().upload(services.run().request(execution).target(),
          backupRequest(services, execution), log);
      return "backup " + published.id() + " in the bucket: " + published.pieces().size() + " pieces, " + published.size()
          + " bytes, manifest written last";
    }
  }

  @Component("shipLogsDelegate")
  static class ShipLogsDelegate extends AuditedStep {
    private final Services services;

    ShipLogsDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "ship-logs";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) throws Exception {
      Optional<LogManifest> shipped = services.backups().shipLogs(services.run().request(execution).target(),
          execution.getProcessInstanceId(), log);
      execution.setVariable(LOGS_SHIPPED, shipped != null);
      if (shipped == null) {
        return null;
      }
      return shipped.map(batch -> "log batch " + batch.id() + " shipped: positions " + batch.startPosition() + " to "
          + batch.endPosition()).orElse("no new archived logs to ship");
    }
  }

  @Component("cleanWorkDirectoryDelegate")
  static class CleanWorkDirectoryDelegate extends AuditedStep {
    private final Services services;

    CleanWorkDirectoryDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "clean-work-directory";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      BackupRunRequest request = services.run().request(execution);
      services.backups().release(request.target(), execution.getProcessInstanceId(), request.type().takesBackup(), log);
      return "work directory released: every manifest of the run is in the bucket";
    }
  }

  @Component("pruneLocalArchiveDelegate")
  static class PruneLocalArchiveDelegate extends AuditedStep {
    private final Services services;

    PruneLocalArchiveDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "prune-local-archive";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      List<String> deleted = services.backups().pruneLocalArchive(services.run().request(execution).target(), log);
      return deleted.size() + " local archived logs deleted (shipped and past the local retention)";
    }
  }

  @Component("pruneBackupsDelegate")
  static class PruneBackupsDelegate extends AuditedStep {
    private final Services services;
    private final Clock clock = Clock.systemUTC();

    PruneBackupsDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "retention";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      BackupCatalogService.PruneReport report = services.catalog().prune(services.run().request(execution).target(), clock.instant(),
          false, log);
      execution.setVariable(DELETED, report.deletedObjects().size());
      log.fact("deletedBackups", report.deletedBackups());
      log.fact("deletedLogBatches", report.deletedLogBatches());
      if (!report.locked().isEmpty()) {
        log.fact("keptUnderObjectLock", report.locked());
      }
      return report.deletedBackups().size() + " backups and " + report.deletedLogBatches().size() + " log batches deleted ("
          + report.deletedObjects().size() + " objects); " + report.keptBackups() + " backups and " + report.keptLogBatches()
          + " log batches kept for the recovery window" + (report.locked().isEmpty() ? "" : "; " + report.locked().size()
          + " objects kept under object lock");
    }
  }
}
