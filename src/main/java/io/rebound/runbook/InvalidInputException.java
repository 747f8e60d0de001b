package io.rebound.runbook;

/**
 * Input that a runbook refuses before anything runs. Deliberately not a {@code ProcessEngineException}:
 * thrown from a start listener it leaves the engine unwrapped, so every way in (our API, the engine's
 * REST API, Tasklist) can answer 400 with this message.
 */
public class InvalidInputException extends RuntimeException {

  public InvalidInputException(String message) {
    super(message);
  }
}
