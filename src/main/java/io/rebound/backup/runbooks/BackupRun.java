package io.rebound.backup.runbooks;

import io.rebound.runbook.RunbookRequests;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * What the database-backup model asks of a run's request, as expressions ({@code ${backupRun.task(execution)}}): the
 * gateways read the request validated at the start, never a variable someone could have set since.
 */
@Component("backupRun")
public class BackupRun {

  private final RunbookRequests requests;
  private final DatabaseBackupRunbook runbook;

  BackupRun(RunbookRequests requests, DatabaseBackupRunbook runbook) {
    this.requests = requests;
    this.runbook = runbook;
  }

  public String task(DelegateExecution execution) {
    return request(execution).type().name();
  }

  public boolean takesBackup(DelegateExecution execution) {
    return request(execution).type().takesBackup();
  }

  BackupRunRequest request(DelegateExecution execution) {
    return requests.read(execution, runbook);
  }
}
