package io.rebound.backup;

import java.time.Instant;

/**
 * What a restore's recovery reached, for the verify step and the run's report.
 *
 * @param timeline the timeline (incarnation) the database opened on, a new one after a point-in-time recovery
 * @param position the last position replayed (PostgreSQL: {@code pg_last_wal_replay_lsn()}; Oracle: the SCN)
 * @param time the time of the last transaction replayed, when the database says it
 * @param summary one or two sentences for the report, e.g. which backups were laid down and what recovery stopped at
 */
public record RestoredPoint(long timeline, String position, Instant time, String summary) {}
