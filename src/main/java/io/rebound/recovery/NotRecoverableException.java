package io.rebound.recovery;

/** Triage cannot tell what is damaged, or no backup in the catalog can recover it: the run ends failed, saying why. */
class NotRecoverableException extends RuntimeException {

  NotRecoverableException(String message) {
    super(message);
  }
}
