package io.rebound.runbook;

/**
 * A destructive step that no standing approval authorises. A technical failure on purpose: the engine
 * retries it and then raises an incident, so a token that should not be there is seen, not silently ended.
 */
public class StepRefusedException extends RuntimeException {

  public StepRefusedException(String message) {
    super(message);
  }
}
