package io.rebound.recovery;

/** The strategies of {@code processes/media-recovery-strategy.dmn}, as its {@code strategy} output names them. */
public enum Strategy {
  /** The database opened and nothing is damaged: the server's own instance recovery was all it needed. */
  INSTANCE_RECOVERY_ONLY,
  /** No archived logs: restore the last consistent backup; everything after it is lost. */
  RESTORE_LAST_BACKUP,
  /** A point was asked for: restore the whole database and recover it to that point (incomplete recovery). */
  POINT_IN_TIME,
  /** Restore the whole database and recover it completely. */
  RESTORE_DATABASE,
  /** Restore SYSTEM or UNDO files with the database mounted, recover them completely, open. */
  RESTORE_MOUNTED,
  /** Take the tablespaces offline, restore and recover them completely, bring them online. */
  RESTORE_TABLESPACE,
  /** Take the datafiles offline, restore them at their place, recover, bring them online. */
  RESTORE_DATAFILE,
  /** Take the datafiles offline, restore them elsewhere and rename them, recover, bring them online. */
  RESTORE_DATAFILE_RELOCATED
}
