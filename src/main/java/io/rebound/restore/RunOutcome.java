package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Elements.*;

/** How a run ended, told by its end event. */
public enum RunOutcome {
  COMPLETED,
  REJECTED,
  EXPIRED,
  FAILED;

  public static RunOutcome ofEndEvent(String endEventId) {
    if (endEventId == null) {
      return FAILED;
    }
    return switch (endEventId) {
      case END_RESTORED -> COMPLETED;
      case END_REJECTED -> REJECTED;
      case END_EXPIRED -> EXPIRED;
      default -> FAILED;
    };
  }
}
