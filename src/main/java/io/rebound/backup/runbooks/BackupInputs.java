package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseBackupProcess.Variables.*;

import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Targets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The inputs of a database-backup run, the same from Tasklist, {@code POST /api/backups}, the engine's REST API and
 * a schedule: a configured target and what to do ({@code FULL}, {@code INCREMENTAL}, {@code LOGS}, {@code PRUNE}).
 */
final class BackupInputs implements RunbookInputs<BackupRunRequest> {

  private final Targets targets;
  private final BucketAccess bucket;

  BackupInputs(Targets targets, BucketAccess bucket) {
    this.targets = targets;
    this.bucket = bucket;
  }

  @Override
  public Class<BackupRunRequest> type() {
    return BackupRunRequest.class;
  }

  @Override
  public BackupRunRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, Set.of(TARGET, TYPE));
    String target = knownTarget(targets, variables.get(TARGET), TARGET);
    String type = Inputs.text(variables.get(TYPE), TYPE);
    if (type == null) {
      throw new InvalidInputException("type is required: one of " + Arrays.toString(BackupTask.values()));
    }
    BackupTask task;
    try {
      task = BackupTask.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("type '" + Inputs.abbreviate(type) + "' is not one of " + Arrays.toString(BackupTask.values()));
    }
    bucket.require();
    return new BackupRunRequest(target, task);
  }

  @Override
  public Map<String, Object> display(BackupRunRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put(TARGET, request.target());
    variables.put(TYPE, request.type().name());
    return variables;
  }

  /** A configured target's name, or a refusal naming the ones there are. */
  static String knownTarget(Targets targets, Object value, String what) {
    return Inputs.oneOf(value, what, "configured targets", targets.names());
  }
}
