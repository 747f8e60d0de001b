package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Variables.*;

import io.rebound.backup.RecoveryPoint;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The inputs of a database restore, the same from Tasklist, {@code POST /api/database-restores} and the engine's REST
 * API: a configured target, a point ({@code latest} when left out) and a destination of the same dialect (the target
 * itself when left out). Whether the catalog can reach the point is checked by the runbook's start, once these hold.
 */
final class DatabaseRestoreInputs implements RunbookInputs<DatabaseRestoreRequest> {

  private static final int MAX_POINT_LENGTH = 40;
  private static final String NOT_A_POINT = "neither 'latest' nor an ISO-8601 instant";

  private final Targets targets;
  private final BucketAccess bucket;

  DatabaseRestoreInputs(Targets targets, BucketAccess bucket) {
    this.targets = targets;
    this.bucket = bucket;
  }

  @Override
  public Class<DatabaseRestoreRequest> type() {
    return DatabaseRestoreRequest.class;
  }

  @Override
  public DatabaseRestoreRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, Set.of(TARGET, POINT_IN_TIME, DESTINATION));
    String target = BackupInputs.knownTarget(targets, variables.get(TARGET), TARGET);
    RecoveryPoint point = point(variables.get(POINT_IN_TIME));
    String destination = Inputs.isBlank(variables.get(DESTINATION)) ? target
        : BackupInputs.knownTarget(targets, variables.get(DESTINATION), DESTINATION);
    Target source = targets.get(target);
    Target into = targets.get(destination);
    if (source.dialect() != into.dialect()) {
      throw new InvalidInputException("destination " + destination + " is " + into.dialect() + ", the backups of " + target + " are "
          + source.dialect() + ": a physical backup restores only into the same kind of database");
    }
    bucket.require();
    return new DatabaseRestoreRequest(target, point.toString(), destination);
  }

  /**
   * A point as every way in reads it ({@code latest} when left out): text longer than any point is refused before it is
   * read, and a refusal quotes only the start of what was typed.
   */
  static RecoveryPoint point(Object value) {
    return Inputs.parsed(value, POINT_IN_TIME, MAX_POINT_LENGTH, NOT_A_POINT, RecoveryPoint::parse);
  }

  @Override
  public Map<String, Object> display(DatabaseRestoreRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put(TARGET, request.target());
    variables.put(POINT_IN_TIME, request.pointInTime());
    variables.put(DESTINATION, request.destination());
    return variables;
  }
}
