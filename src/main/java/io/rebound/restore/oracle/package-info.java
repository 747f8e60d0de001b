/**
 * Schema restore on Oracle (12c and later): users dropped and recreated as in the WINSTORE runbook, Data
 * Pump driven through {@code DBMS_DATAPUMP} over JDBC with named jobs that a restarted node re-attaches
 * to, the job log read back through {@code UTL_FILE} and judged by its message numbers, invalid objects
 * recompiled with {@code DBMS_UTILITY.COMPILE_SCHEMA}, the account's privileges checked before anything runs.
 * Every statement is built by {@link io.rebound.restore.oracle.OracleStatements}, with bind variables
 * wherever Oracle takes them and validated, quoted identifiers where it does not; those that find and move
 * the sequences feeding the restored schema by {@link io.rebound.restore.oracle.OracleSequences}, from
 * defaults and trigger bodies read by {@link io.rebound.restore.oracle.SequenceCalls}.
 */
package io.rebound.restore.oracle;
