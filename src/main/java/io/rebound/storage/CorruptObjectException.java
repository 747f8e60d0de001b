package io.rebound.storage;

/** An object whose bytes do not match its checksum: refused, never handed on. */
public class CorruptObjectException extends RuntimeException {

  private final String key;

  CorruptObjectException(String key, String message) {
    super("object " + key + " is refused: " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
