/**
 * Schema restore on Oracle (12c and later): users dropped and recreated as in the WINSTORE runbook, Data Pump driven
 * through {@code DBMS_DATAPUMP} over JDBC with named jobs that a restarted node re-attaches to. The parts, named
 * alike in {@code restore.postgresql}:
 * <ul>
 *   <li>{@link io.rebound.restore.oracle.OracleSchemaRestore}: the dialect, putting the plan together from the parts
 *       below and handing each step to its part;</li>
 *   <li>{@link io.rebound.restore.oracle.OracleStatements}: every SQL statement and PL/SQL block of the restore but
 *       Data Pump's and the sequences' (the plan's reset and bootstrap, the dictionary queries of the inventory and
 *       the verifier), with bind variables wherever Oracle takes them and validated, quoted identifiers where it does
 *       not;</li>
 *   <li>{@link io.rebound.restore.oracle.OracleDumpFiles}: the Data Pump files and their DIRECTORY, whether a dump is
 *       there and readable as the database server sees it;</li>
 *   <li>{@link io.rebound.restore.oracle.OracleInventory}: what the target holds for a request;</li>
 *   <li>{@link io.rebound.restore.oracle.OracleJobs}: the safety export and the import, started or attached to,
 *       looked at, restarted after a shutdown, judged by their logs; the PL/SQL that drives them is
 *       {@link io.rebound.restore.oracle.DataPump}'s, the logs are read by {@link io.rebound.restore.oracle.DataPumpLog}
 *       (and their tails shown by {@link io.rebound.restore.oracle.DataPumpLogTail});</li>
 *   <li>{@link io.rebound.restore.oracle.OracleVerifier}: the verify step, invalid objects recompiled with
 *       {@code DBMS_UTILITY.COMPILE_SCHEMA}, the sequences feeding the restored schema moved by
 *       {@link io.rebound.restore.oracle.OracleSequences}, from defaults and trigger bodies read by
 *       {@link io.rebound.restore.oracle.SequenceCalls};</li>
 *   <li>{@link io.rebound.restore.oracle.OraclePrivileges}: what the account needs, checked before anything runs.</li>
 * </ul>
 */
package io.rebound.restore.oracle;
