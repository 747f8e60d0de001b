package io.rebound.recovery;

/** What an affected file holds, and whether the database can be open without it. */
public enum FileKind {
  /** Table data. */
  DATA(false),
  /** An index. */
  INDEX(false),
  /**
   * The data dictionary (Oracle SYSTEM; PostgreSQL system catalogs): recovered only with the database mounted. Oracle's
   * SYSAUX can go offline and counts as data.
   */
  SYSTEM(true),
  /** Undo (Oracle UNDO tablespace). */
  UNDO(true),
  /** The control file (PostgreSQL {@code global/pg_control}). */
  CONTROL(true),
  /** The online logs (Oracle redo; PostgreSQL {@code pg_wal}). */
  LOG(true);

  private final boolean essential;

  FileKind(boolean essential) {
    this.essential = essential;
  }

  public boolean essential() {
    return essential;
  }
}
