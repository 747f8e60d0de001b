package io.rebound.config;

/** Rebound refuses to start as configured; the message says what to set or change. */
public class StartRefusedException extends IllegalStateException {

  public StartRefusedException(String message) {
    super(message);
  }
}
