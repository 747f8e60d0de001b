/**
 * Schema restore on PostgreSQL: roles and schemas stand in for Oracle users, pg_dump and pg_restore for
 * Data Pump, run as detached processes that the process polls.
 */
package io.rebound.restore.postgresql;
