package io.rebound.recovery;

/** The smallest unit a database can restore that covers the damage: what the decision table calls its kind. */
public enum RestoreUnit {
  /** Nothing is damaged. */
  NONE,
  /** One or more datafiles, each alone. */
  FILE,
  /** Whole tablespaces. */
  TABLESPACE,
  /** The whole database (PostgreSQL: always, a cluster is restored whole). */
  WHOLE
}
