package io.rebound.repair.reference;

/** A replica file that cannot be trusted: cut off, changed, or not a replica at all. Never applied. */
public class CorruptReplicaException extends RuntimeException {

  public CorruptReplicaException(String message) {
    super(message);
  }

  public CorruptReplicaException(String message, Throwable cause) {
    super(message, cause);
  }
}
