/**
 * Schema restore on PostgreSQL: roles and schemas stand in for Oracle users, pg_dump and pg_restore for
 * Data Pump, run as detached processes that the process polls; the sequences feeding the restored schemas
 * found through {@code pg_depend} and moved by {@link io.rebound.restore.postgresql.PostgresSequences}.
 */
package io.rebound.restore.postgresql;
