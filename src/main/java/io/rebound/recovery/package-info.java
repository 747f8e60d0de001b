/**
 * The {@code database-recovery} runbook: triage of a database that crashed or lost files, the choice between instance
 * recovery and media recovery made by the decision table {@code processes/media-recovery-strategy.dmn}, and the media
 * recovery itself once a second person approved it.
 *
 * <p>Triage ({@link io.rebound.recovery.MediaRecovery#triage}) reaches and opens the database the way its dialect does it
 * (opening is what runs instance recovery: the server rolls its logs forward and back by itself) and says what it found
 * as {@link io.rebound.recovery.Triage}: reachable and opened, the files affected with their tablespace and kind, whether
 * the logs are archived, what the server said. The table turns that into a {@link io.rebound.recovery.StrategyDecision};
 * a clean database ends there, "instance recovery only". Otherwise the plan (the decision, the files, the exact commands,
 * the data loss) is approved with four eyes through the runbook core, triaged again after the approval (a different
 * picture refuses the run, saying what changed), run start-or-attach like a physical restore, and verified.
 *
 * <p>The backups come from the catalog through {@link io.rebound.backup.PointInTimePlanner}, and a whole database is
 * laid down by the destination's {@link io.rebound.backup.PhysicalBackups#restore}: this package adds no copy of them.
 *
 * <p>{@code recovery/postgresql} is the PostgreSQL implementation: PostgreSQL restores a cluster whole, so any damage is
 * recovered by a whole-cluster restore to {@code latest} (or to the last consistent backup without a WAL archive).
 *
 * <p>{@code recovery/oracle} is the Oracle implementation ({@code OracleMediaRecovery}), restoring only what is damaged.
 * It provides, from the same records: triage from {@code STARTUP}/{@code ALTER DATABASE
 * OPEN} and the errors it raises (ORA-01157 cannot identify/lock a data file, ORA-01110 naming the file, ORA-01113 file
 * needs media recovery), {@code V$RECOVER_FILE} (files needing recovery and why) joined to {@code V$DATAFILE} and
 * {@code V$TABLESPACE} (name, tablespace, SYSTEM/UNDO, whether the directory is usable), {@code V$DATABASE} (log mode
 * ARCHIVELOG or NOARCHIVELOG, checkpoint SCNs) and {@code V$ARCHIVED_LOG} (logs still available from the file's
 * checkpoint on) as {@link io.rebound.recovery.Triage#logs()}; restore units FILE, TABLESPACE or WHOLE; plan lines for
 * every strategy of the table (datafile or tablespace {@code OFFLINE}, {@code STARTUP MOUNT} for SYSTEM/UNDO,
 * {@code SET NEWNAME} and {@code SWITCH DATAFILE}/{@code ALTER DATABASE RENAME FILE} when relocating, {@code RESTORE},
 * {@code RECOVER}, {@code ONLINE}/{@code OPEN}, {@code OPEN RESETLOGS} after incomplete recovery); and a recovery run
 * start-or-attach, whose verify finds nothing left in {@code V$RECOVER_FILE}.
 */
package io.rebound.recovery;
