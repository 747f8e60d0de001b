package io.rebound.recovery;

/**
 * Whether the logs a complete recovery replays are archived: Oracle's log mode (ARCHIVELOG or NOARCHIVELOG),
 * PostgreSQL's WAL archive.
 *
 * @param archived whether changes after a backup can be replayed from archived logs
 * @param detail what says so (e.g. {@code archive_mode on, archive directory /var/lib/pgarchive})
 */
public record LogArchiving(boolean archived, String detail) {}
