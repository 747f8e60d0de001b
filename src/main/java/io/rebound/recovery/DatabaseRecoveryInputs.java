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
    String name = Inputs.text(variables.get(TARGET), TARGET);
    if (name == null) {
      throw new InvalidInputException("target is required; configured targets: " + targets.names());
    }
    Target target = targets.find(name).orElseThrow(() -> new InvalidInputException("unknown target '" + Inputs.abbreviate(name)
        + "'; configured targets: " + targets.names()));
    String pointText = Inputs.text(variables.get(POINT_IN_TIME), POINT_IN_TIME);
    if (pointText != null && pointText.length() > MAX_POINT_LENGTH) {
      throw new InvalidInputException("pointInTime '" + Inputs.abbreviate(pointText) + "' is neither 'latest' nor an ISO-8601 instant");
    }
    RecoveryPoint point;
    try {
      point = RecoveryPoint.parse(pointText);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
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
