package io.rebound.recovery;

import static io.rebound.recovery.DatabaseRecoveryProcess.Variables.*;

import io.rebound.backup.RecoveryPoint;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The inputs of a database recovery, the same from Tasklist, {@code POST /api/database-recoveries} and the engine's REST
 * API: a configured target whose dialect Rebound can recover and whose settings allow it, and optionally a point in time
 * ({@code latest}, complete recovery, when left out).
 */
final class DatabaseRecoveryInputs implements RunbookInputs<DatabaseRecoveryRequest> {

  static final Set<String> ACCEPTED = Set.of(TARGET, POINT_IN_TIME);
  private static final int MAX_POINT_LENGTH = 40;
  private static final String NOT_A_POINT = "neither 'latest' nor an ISO-8601 instant";

  private final Targets targets;
  private final Consumer<Target> supported;

  /**
   * @param supported refuses, with an {@link IllegalArgumentException} saying why, a target that cannot be recovered here
   */
  DatabaseRecoveryInputs(Targets targets, Consumer<Target> supported) {
    this.targets = targets;
    this.supported = supported;
  }

  @Override
  public Class<DatabaseRecoveryRequest> type() {
    return DatabaseRecoveryRequest.class;
  }

  @Override
  public DatabaseRecoveryRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, ACCEPTED);
    String name = Inputs.oneOf(variables.get(TARGET), TARGET, "configured targets", targets.names());
    Target target = targets.get(name);
    RecoveryPoint point = Inputs.parsed(variables.get(POINT_IN_TIME), POINT_IN_TIME, MAX_POINT_LENGTH, NOT_A_POINT, RecoveryPoint::parse);
    try {
      supported.accept(target);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("no recovery of " + name + ": " + e.getMessage());
    }
    return new DatabaseRecoveryRequest(name, point.toString());
  }

  @Override
  public Map<String, Object> display(DatabaseRecoveryRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put(TARGET, request.target());
    variables.put(POINT_IN_TIME, request.pointInTime());
    return variables;
  }
}
