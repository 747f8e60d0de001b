package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseBackupProcess.Elements.*;

import io.rebound.runbook.Approval;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The database backup as the runbook core knows it. It destroys nothing (it adds to the bucket; retention deletes
 * only what {@link io.rebound.backup.Retention} says no point in the window needs), so it needs no approval. Each
 * schedule is a process of its own ({@code database-backup.<type>.<target>}): the same steps, started by a timer.
 */
@Component
class DatabaseBackupRunbook implements Runbook<BackupRunRequest> {

  private final BackupInputs inputs;
  private final BackupSchedules schedules;

  DatabaseBackupRunbook(Targets targets, BucketAccess bucket, BackupSchedules schedules) {
    this.inputs = new BackupInputs(targets, bucket);
    this.schedules = schedules;
  }

  @Override
  public String key() {
    return DatabaseBackupProcess.KEY;
  }

  @Override
  public String title() {
    return "database backup";
  }

  @Override
  public RunbookInputs<BackupRunRequest> inputs() {
    return inputs;
  }

  @Override
  public Optional<Approval<BackupRunRequest>> approval() {
    return Optional.empty();
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(END_BACKED_UP, RunOutcome.COMPLETED, END_PRUNED, RunOutcome.COMPLETED);
  }

  /**
   * Its own process and one per schedule (the engine takes one timer start event per process), with those of
   * schedules no longer configured whose processes are still deployed (suspended): their runs are still runs.
   */
  @Override
  public List<String> processKeys() {
    List<String> keys = new ArrayList<>(List.of(key()));
    schedules.all().forEach(schedule -> keys.add(schedule.processKey()));
    schedules.retired().stream().filter(key -> !keys.contains(key)).forEach(keys::add);
    return keys;
  }

  /** Also a schedule's process whatever the configuration says now: a run it started may outlive the schedule. */
  @Override
  public boolean owns(String processKey) {
    return processKey != null && (processKeys().contains(processKey) || BackupSchedules.isScheduleProcessKey(processKey));
  }

  @Override
  public Optional<Map<String, Object>> scheduledInputs(String timerStartEventId) {
    return schedules.byEvent(timerStartEventId)
        .map(schedule -> Map.of(DatabaseBackupProcess.Variables.TARGET, schedule.target(), DatabaseBackupProcess.Variables.TYPE,
            schedule.task().name()));
  }
}
