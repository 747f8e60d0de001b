package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseBackupProcess.Variables.*;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the database-backup process, one bean each under the name the model calls: thin delegates over
 * {@link DatabaseBackupService} and {@link BackupCatalogService}. None destroys anything of a database; retention
 * deletes from the bucket only what {@link io.rebound.backup.Retention} says no point in the window needs, each
 * deletion in the step's audit event.
 */
@Configuration(proxyBeanMethods = false)
class BackupSteps {

  private final RunbookSteps<BackupRunRequest> steps;
  private final DatabaseBackupService backups;
  private final BackupCatalogService catalog;
  private final LogShipments shipments;
  private final Clock clock = Clock.systemUTC();

  BackupSteps(RunbookSteps.Services services, DatabaseBackupRunbook runbook, DatabaseBackupService backups, BackupCatalogService catalog,
      LogShipments shipments) {
    this.steps = services.of(runbook);
    this.backups = backups;
    this.catalog = catalog;
    this.shipments = shipments;
  }

  /** The backup the run takes, as the start step decided it (type and parent), for every later call of its job. */
  private BackupRequest backupRequest(DelegateExecution execution) {
    BackupRunRequest request = steps.request(execution);
    BackupType type = BackupType.valueOf((String) execution.getVariable(BACKUP_TYPE));
    String runId = execution.getProcessInstanceId();
    String id = type.name().toLowerCase() + "-" + runId;
    if (type == BackupType.FULL) {
      return new BackupRequest(DatabaseBackupService.backupJob(runId), id, type, null);
    }
    String parentId = (String) execution.getVariable(PARENT_ID);
    BackupManifest parent = catalog.snapshot(request.target()).backups().stream()
        .filter(backup -> backup.id().equals(parentId)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the parent backup " + parentId + " is no longer in the catalog"));
    return new BackupRequest(DatabaseBackupService.backupJob(runId), id, type, parent);
  }

  private String taken(DelegateExecution execution, BackupRequest backup, DatabaseBackupService.Progress progress) {
    steps.watch(execution, DatabaseBackupProcess.Elements.WAIT_BACKUP, progress.whenEnded());
    return RunbookSteps.job(execution, BACKUP_DONE, progress.done(), progress.host(), backup.type() + " backup " + backup.backupId() + " taken");
  }

  @Bean
  RunbookStep startBackupDelegate() {
    return steps.step("backup", (execution, log) -> {
      BackupRunRequest request = steps.request(execution);
      BackupRequest backup = backups.request(request, execution.getProcessInstanceId(), log);
      execution.setVariable(BACKUP_TYPE, backup.type().name());
      execution.setVariable(BACKUP_ID, backup.backupId());
      if (backup.parent() != null) {
        execution.setVariable(PARENT_ID, backup.parent().id());
      }
      return taken(execution, backup, backups.backup(request.target(), backup, log));
    });
  }

  @Bean
  RunbookStep checkBackupDelegate() {
    return steps.step("backup", (execution, log) -> {
      BackupRequest backup = backupRequest(execution);
      return taken(execution, backup, backups.backup(steps.request(execution).target(), backup, log));
    }).poll();
  }

  @Bean
  RunbookStep uploadBackupDelegate() {
    return steps.step("upload", (execution, log) -> {
      BackupManifest published = backups.upload(steps.request(execution).target(), backupRequest(execution), log);
      return "backup " + published.id() + " in the bucket: " + published.pieces().size() + " pieces, " + published.size()
          + " bytes, manifest written last";
    });
  }

  @Bean
  RunbookStep shipLogsDelegate() {
    return steps.step("ship-logs", (execution, log) -> {
      String target = steps.request(execution).target();
      if (execution.getVariable(LOGS_SHIPPED) == null) {
        // Before this run's collection: one shipment of a target at a time (LogShipments).
        Optional<String> earlier = shipments.earlierThan(target, execution.getProcessInstanceId());
        if (earlier.isPresent()) {
          execution.setVariable(LOGS_SHIPPED, true);
          log.ran("ship archived logs of " + target, "left to run " + earlier.get() + ", which is shipping them: one shipment of a"
              + " target at a time; what it does not take leaves with the next");
          return "archived logs left to run " + earlier.get() + ", which is shipping them";
        }
      }
      DatabaseBackupService.Shipment shipment = backups.shipLogs(target, execution.getProcessInstanceId(), log);
      execution.setVariable(LOGS_SHIPPED, !shipment.isCollecting());
      if (shipment.isCollecting()) {
        steps.watch(execution, DatabaseBackupProcess.Elements.WAIT_LOGS, shipment.whenCollected());
        return null;
      }
      return shipment.shipped().map(batch -> "log batch " + batch.id() + " shipped: positions " + batch.startPosition() + " to "
          + batch.endPosition()).orElse("no new archived logs to ship");
    });
  }

  @Bean
  RunbookStep cleanWorkDirectoryDelegate() {
    return steps.step("clean-work-directory", (execution, log) -> {
      BackupRunRequest request = steps.request(execution);
      backups.release(request.target(), execution.getProcessInstanceId(), request.type().takesBackup(), log);
      return "work directory released: every manifest of the run is in the bucket";
    });
  }

  @Bean
  RunbookStep pruneLocalArchiveDelegate() {
    return steps.step("prune-local-archive", (execution, log) -> {
      List<String> deleted = backups.pruneLocalArchive(steps.request(execution).target(), log);
      return deleted.size() + " local archived logs deleted (shipped and past the local retention)";
    });
  }

  @Bean
  RunbookStep pruneBackupsDelegate() {
    return steps.step("retention", (execution, log) -> {
      BackupCatalogService.PruneReport report = catalog.prune(steps.request(execution).target(), clock.instant(), false, log);
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
    });
  }
}
