package io.rebound.recovery;

/**
 * A file triage found missing or damaged.
 *
 * @param path the file as the database names it (PostgreSQL: relative to the data directory; Oracle: the datafile name)
 * @param tablespace the tablespace it belongs to, or null when it belongs to none (control file, logs)
 * @param kind what it holds
 * @param holds what is lost with it, in words (e.g. {@code table public.orders in database shop}, {@code datafile 4})
 * @param locationUsable whether its directory is there and can take the file back
 * @param problem what is wrong with it (e.g. {@code missing}, {@code checksum failure in block 0})
 */
public record AffectedFile(String path, String tablespace, FileKind kind, String holds, boolean locationUsable, String problem) {

  public AffectedFile {
    if (path == null || path.isBlank() || kind == null || problem == null) {
      throw new IllegalArgumentException("an affected file has a path, a kind and a problem");
    }
  }

  /** A file the database cannot open without: recovering it needs the database mounted, not open. */
  public boolean essential() {
    return kind.essential();
  }

  /** One line for the plan, the same for the same file and problem. */
  public String describe() {
    return path + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + (tablespace == null ? "" : ", tablespace " + tablespace)
        + (holds == null ? "" : ", " + holds) + "): " + problem + (locationUsable ? "" : "; its location is not usable");
  }
}
