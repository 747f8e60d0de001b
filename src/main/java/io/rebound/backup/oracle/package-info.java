/**
 * Physical backups and restores of an Oracle database with RMAN, as standalone parts with explicit inputs and
 * outputs: the command files ({@link io.rebound.backup.oracle.RmanScripts}), how RMAN is run and watched
 * ({@link io.rebound.backup.oracle.RmanInvocation}, {@link io.rebound.backup.oracle.RmanJobs}, as a command's job of
 * {@link io.rebound.runbook.JobRunner}), what its
 * output says ({@link io.rebound.backup.oracle.RmanLog}), and the dictionary queries that give a backup and a
 * batch of shipped archived logs their manifests ({@link io.rebound.backup.oracle.OracleBackupQueries},
 * {@link io.rebound.backup.oracle.OracleManifests}), and the {@link io.rebound.backup.PhysicalBackups} of the Oracle
 * dialect that runs them as detached jobs ({@link io.rebound.backup.oracle.OraclePhysicalBackups}), asking the
 * database through a narrow seam ({@code OracleDictionary}). Nothing here knows about Camunda.
 *
 * <p>Choices a DBA will look for, and why:
 * <ul>
 *   <li>FULL is {@code INCREMENTAL LEVEL 0}, INCREMENTAL is a differential {@code LEVEL 1}: each daily backup holds
 *   only the blocks changed since the backup before it, so S3 never receives the same block twice in a week. A
 *   cumulative level 1 would re-send every change since the FULL each day; what it saves at restore time (one
 *   incremental to apply instead of several) is small next to the replay of logs it does not save, and the catalog
 *   already chains each INCREMENTAL to its parent. Because a differential level 1 is taken against whatever level
 *   0 or 1 backup the control file knows last, a level 0 or 1 taken by anything else after our parent would make
 *   ours miss blocks: {@link io.rebound.backup.oracle.OracleBackupQueries#foreignIncrementals} finds them first.</li>
 *   <li>Every backup carries the archived logs that make it consistent ({@code BACKUP ARCHIVELOG FROM SCN} the SCN
 *   read before it started, after a log switch at its end), not {@code PLUS ARCHIVELOG}, which backs up every log
 *   on disk each time, nor {@code NOT BACKED UP}, which would leave out logs already shipped and make the backup
 *   depend on another object in the bucket.</li>
 *   <li>Archived logs are shipped between backups as RMAN backup sets of exactly the sequences that
 *   {@code V$ARCHIVED_LOG} names ({@code BACKUP ARCHIVELOG SEQUENCE BETWEEN a AND b THREAD t}), not as copies of
 *   the files: RMAN reads logs wherever they live (ASM included, where a file copy cannot), checks each block as
 *   it reads, fails over to another archiving destination's copy of a bad log, and records the backup, so an
 *   archived log deletion policy of {@code BACKED UP 1 TIMES TO DISK} is satisfied by our shipping. A restore
 *   catalogs the downloaded sets ({@code CATALOG START WITH}) like any other piece.</li>
 *   <li>The control file and spfile are backed up explicitly at the end of each backup, into the backup's own
 *   directory under names of their own ({@code controlfile_%U}, {@code spfile_%U}), instead of relying on the
 *   autobackup configuration: no persistent {@code CONFIGURE} setting of the database is changed, and a restore
 *   knows which piece to give {@code RESTORE CONTROLFILE FROM}.</li>
 *   <li>Local archived logs are deleted by RMAN only when our catalog says they are in S3 and they completed
 *   longer ago than {@code local-archive-retention}: the command names exactly those sequences, with a
 *   {@code COMPLETED BEFORE} guard, never {@code ALL}.</li>
 *   <li>A restore decides at its first start whether to restore the control file (the destination does not answer,
 *   or is another database or incarnation) and keeps that command file: once a control file is restored the
 *   destination would answer differently, and a job taken again after its node died must run what was approved.
 *   The spfile is never restored over the instance's own; its piece is in the bucket for a DBA who needs it.</li>
 *   <li>Times given to RMAN ({@code SET UNTIL TIME}, {@code COMPLETED BEFORE}) are explicit
 *   {@code TO_DATE(..., 'YYYY-MM-DD HH24:MI:SS')} expressions in the database host's time zone; nothing depends on
 *   {@code NLS_DATE_FORMAT}. "latest" recovers {@code UNTIL SCN} the next SCN of the last shipped log.</li>
 * </ul>
 */
package io.rebound.backup.oracle;
