package io.rebound.backup;

/** A point that the catalog cannot restore to, with the reason a DBA can act on. */
public class PlanRefusedException extends RuntimeException {

  PlanRefusedException(String message) {
    super(message);
  }
}
