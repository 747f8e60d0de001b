package io.rebound.storage;

import java.time.Instant;

/** An object still under object-lock retention or a legal hold: it stays. */
public class ObjectLockedException extends RuntimeException {

  ObjectLockedException(String key, Instant retainUntil, boolean legalHold) {
    super("object " + key + " is locked " + (legalHold ? "by a legal hold" : "until " + retainUntil) + " and is not deleted");
  }
}
