/**
 * Schema restore on PostgreSQL: roles and schemas stand in for Oracle users, pg_dump and pg_restore for
 * Data Pump, run as detached processes that the process polls. The parts, named alike in {@code restore.oracle}:
 * <ul>
 *   <li>{@link io.rebound.restore.postgresql.PostgresSchemaRestore}: the dialect, putting the plan together from the
 *       parts below and handing each step to its part;</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresStatements}: every SQL statement of the restore (the plan's reset
 *       and bootstrap, the catalog queries of the inventory, the verifier and the jobs' progress);</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresDumpFiles}: the dump archive, where it lies, whether it can be
 *       read and what its table of contents holds;</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresInventory}: what the target holds for a request;</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresJobs}: the safety export (pg_dump) and the import (pg_restore),
 *       started or attached to, looked at, their progress and errors read from their output;</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresVerifier}: the verify step, with the sequences feeding the
 *       restored schemas found through {@code pg_depend} and moved by
 *       {@link io.rebound.restore.postgresql.PostgresSequences};</li>
 *   <li>{@link io.rebound.restore.postgresql.PostgresClient}: the client programs of a target and how they connect,
 *       also used by the physical backup and recovery.</li>
 * </ul>
 */
package io.rebound.restore.postgresql;
