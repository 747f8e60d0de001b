/**
 * Oracle media recovery for the {@code database-recovery} runbook:
 * {@link io.rebound.recovery.oracle.OracleMediaRecovery} is the Oracle {@link io.rebound.recovery.MediaRecovery}, built
 * from standalone parts with explicit inputs and outputs: triage ({@link io.rebound.recovery.oracle.TriageQueries}
 * reads the control file's views, {@link io.rebound.recovery.oracle.OpenFailure} what a failed
 * {@code ALTER DATABASE OPEN} said, {@link io.rebound.recovery.oracle.Triage} the facts a strategy is decided on, and
 * {@code TriageMapping} turns them into the runbook's own triage), the RMAN command file of each strategy
 * ({@link io.rebound.recovery.oracle.MediaRecoveryScripts}, chosen per decision of the table by
 * {@code RecoveryCommands}), and the check that the recovery left the database whole
 * ({@link io.rebound.recovery.oracle.RecoveryVerification}). The database is asked through a narrow seam
 * ({@code RecoveryDictionary}, over JDBC in {@code JdbcRecoveryDictionary}); the pieces are downloaded and RMAN run
 * detached as the Oracle physical layer does it ({@link io.rebound.backup.oracle.OraclePhysicalBackups}). Nothing here
 * knows about Camunda.
 *
 * <p>Choices a DBA will look for, and why:
 * <ul>
 *   <li>Only what is damaged is restored: datafiles or whole tablespaces are taken offline and recovered while the rest
 *   of the database serves; a mounted database is opened without them first. SYSTEM and the undo tablespace in use
 *   cannot go offline: their files are recovered with the database mounted ({@code STARTUP FORCE MOUNT}, since an
 *   instance that lost SYSTEM cannot shut down cleanly).</li>
 *   <li>A file whose place is gone is restored under a new name with {@code SET NEWNAME} and {@code SWITCH DATAFILE}
 *   in one {@code RUN} block, which is what {@code ALTER DATABASE RENAME FILE} does for a copy a DBA made by hand; that
 *   statement is built too, for a file already copied.</li>
 *   <li>Incomplete recovery is the whole database: {@code SET UNTIL} in the block of the restore, so that RMAN picks
 *   backups from before the point, and {@code OPEN RESETLOGS}. Complete recovery loses nothing and says "none".</li>
 *   <li>A NOARCHIVELOG database has no redo to recover with past its last backup: that backup is restored whole, control
 *   file included, made consistent by the archived logs it holds itself ({@code SET UNTIL SCN} its end; Rebound's
 *   backups are taken open, {@code PLUS ARCHIVELOG}), {@code RECOVER DATABASE NOREDO} for a backup taken consistent,
 *   then {@code OPEN RESETLOGS}, and what is lost is said in words.</li>
 *   <li>Triage opens a mounted database itself ({@code ALTER DATABASE OPEN}: that is instance recovery) and starts an
 *   instance that does not answer with RMAN ({@code STARTUP MOUNT}); it changes nothing the database holds.</li>
 *   <li>Every command file catalogs the downloaded pieces ({@code CATALOG START WITH}) before its first restore: the
 *   backups' own directories were released once they were in the bucket.</li>
 *   <li>A datafile whose directory is gone is restored into {@code backup.data-directory} under its own file name; a
 *   tablespace cannot be taken offline while the database is only mounted, so its datafiles are instead.</li>
 *   <li>Oracle names only the first file an open fails on; {@code V$RECOVER_FILE} names them all, and triage joins the
 *   two (a file that cannot be opened may not be listed yet). A file listed as {@code OFFLINE NORMAL} needs no
 *   recovery and is left out.</li>
 * </ul>
 *
 * <p>Checked against Oracle's documentation (Database Backup and Recovery Reference and User's Guide, SQL Language
 * Reference, Database Reference, Error Messages; 19c and 23ai/26ai):
 * <ul>
 *   <li>RMAN runs SQL as it stands, without the {@code SQL '...'} wrapper, from 12c on ("SQL" command: the ALTER keyword
 *   gives the full SQL ALTER); so {@code ALTER DATABASE DATAFILE n OFFLINE|ONLINE}, {@code ALTER TABLESPACE t OFFLINE
 *   IMMEDIATE|ONLINE}, {@code ALTER DATABASE OPEN [RESETLOGS]}, {@code ALTER PLUGGABLE DATABASE ALL OPEN} appear bare.</li>
 *   <li>{@code ALTER DATABASE DATAFILE ... OFFLINE} and {@code OFFLINE IMMEDIATE} are allowed in ARCHIVELOG mode only
 *   (ORA-01145); {@code OFFLINE IMMEDIATE} takes no checkpoint and requires media recovery before {@code ONLINE};
 *   SYSTEM, the undo tablespace and temporary tablespaces cannot be taken offline (Administrator's Guide, "Taking
 *   Tablespaces Offline").</li>
 *   <li>{@code RESTORE DATAFILE n, m}, {@code RECOVER DATAFILE}, {@code RESTORE|RECOVER TABLESPACE t, u},
 *   {@code RESTORE|RECOVER DATABASE}, {@code RECOVER DATABASE NOREDO} (NOARCHIVELOG only).</li>
 *   <li>{@code SET NEWNAME FOR DATAFILE n TO 'name'} (a file name or an ASM disk group such as {@code '+DATA'}) inside
 *   {@code RUN}; {@code SWITCH DATAFILE n} without {@code TO COPY} only inside {@code RUN}, takes the name of the prior
 *   {@code SET NEWNAME} (RMAN-06039 otherwise), and needs the files offline or the database not open.</li>
 *   <li>{@code ALTER DATABASE RENAME FILE 'a' TO 'b'}: the database mounted, or open with the file offline; the file
 *   must exist under the new name first; only the control file changes.</li>
 *   <li>{@code STARTUP FORCE MOUNT}, {@code STARTUP FORCE NOMOUNT}, {@code SET DBID}, {@code RESTORE CONTROLFILE FROM
 *   'piece'}, {@code CATALOG START WITH 'dir/' NOPROMPT}, {@code SET UNTIL SCN n | TIME "date expression"} (RMAN
 *   commands); a restored control file requires {@code OPEN RESETLOGS}.</li>
 *   <li>V$RECOVER_FILE ({@code FILE#, ONLINE_STATUS, ERROR, CHANGE#, TIME, CON_ID}; ERROR is NULL when unknown and
 *   {@code OFFLINE NORMAL} when no recovery is needed), V$DATAFILE ({@code STATUS}: ONLINE, OFFLINE, SYSTEM, RECOVER,
 *   SYSOFF), V$TABLESPACE (joined on {@code TS#} and {@code CON_ID}), V$DATABASE ({@code LOG_MODE}, {@code OPEN_MODE},
 *   {@code CHECKPOINT_CHANGE#}, {@code CDB}), V$ARCHIVED_LOG, V$LOG: all readable in MOUNT state.</li>
 *   <li>Message texts: ORA-01157 "cannot identify/lock data file %s - see DBWR trace file", ORA-01113 "file %s needs
 *   media recovery", ORA-01110 "data file %s: '%s'", ORA-27037, ORA-27041; 23ai adds a {@code Help:} line after each.</li>
 * </ul>
 */
package io.rebound.recovery.oracle;
