/**
 * PostgreSQL's physical backups, WAL shipping and point-in-time restores, on the database host.
 *
 * <p>For a data directory Rebound cannot read ({@code backup.method: pg_basebackup}) a FULL is taken by
 * {@code pg_basebackup} with its WAL streamed into it, turned into the same pieces as a low-level FULL; an INCREMENTAL
 * is the archived WAL since its parent, which a restore replays from the last laid-down backup's {@code backup_label}
 * ({@code RemoteBackups}).
 *
 * <p>A FULL backup uses the low-level backup API the way pgBackRest does: {@code pg_backup_start(label, fast =>
 * true)} and {@code pg_backup_stop()} in one session held by the job for its whole length, the data directory copied
 * in between into one tar piece (what PostgreSQL documents as skippable left out), {@code backup_label} (and
 * {@code tablespace_map}) from {@code pg_backup_stop}, and a file list with the size and SHA-256 of every file as it
 * was copied.
 *
 * <p>An INCREMENTAL copies only the files whose SHA-256 differs from its parent's file list, with the whole file list
 * so that a restore removes what was deleted since. This is as correct as a FULL backup taken at the same moment:
 * every file the INCREMENTAL holds is a copy made between its {@code pg_backup_start} and {@code pg_backup_stop}; every
 * file it does not hold had, at a moment inside that window, exactly the bytes of the parent's copy, so the parent's
 * copy is as good as one made then. A low-level backup's copies may be torn by concurrent writes; recovery from the
 * INCREMENTAL's own {@code backup_label} (its redo point) replays full-page images of every page written after that
 * point, which repairs them. That is why {@code full_page_writes} must be on, which every backup checks.
 *
 * <p>WAL: complete segments and timeline history files that the server's {@code archive_command} put into the
 * archive directory are shipped in contiguous batches; a missing segment is named as a gap. A restore stops the
 * server, keeps its data directory aside, lays down the FULL and the INCREMENTALs, checks every file against the
 * last file list, and recovers with {@code restore_command} reading the downloaded WAL up to the point.
 */
package io.rebound.backup.postgresql;
