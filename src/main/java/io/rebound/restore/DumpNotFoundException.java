package io.rebound.restore;

/** The dump file named in a request is not there, or cannot be read by the import. */
public class DumpNotFoundException extends RuntimeException {

  public DumpNotFoundException(String message) {
    super(message);
  }
}
