/**
 * Database recovery for PostgreSQL. Triage works on the database host with the target's backup section
 * ({@code rebound.targets.<name>.backup.*}: {@code data-directory}, {@code os-user}, {@code archive-directory}): a server
 * that does not answer is started with {@code pg_ctl} as its operating-system user (its crash recovery is instance
 * recovery) and its log read for why it fails ({@link io.rebound.recovery.postgresql.ServerLog}); a running server is
 * checked for damage: every relation's file against the data directory, btree indexes with {@code amcheck} when it is
 * installed, and, while the server is cleanly stopped with checksums on, {@code pg_checksums --check}
 * ({@link io.rebound.recovery.postgresql.ChecksumReport}). PostgreSQL has no per-file recovery: damage is recovered by a
 * whole-cluster restore through the physical backup layer.
 */
package io.rebound.recovery.postgresql;
