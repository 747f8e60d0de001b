/**
 * The schema-restore runbook (Data Pump / pg_restore): its inputs, plan, service, dialect interface and REST entry
 * point, and its steps ({@code SchemaRestoreSteps}: thin delegates built with {@link io.rebound.runbook.RunbookSteps}).
 * Its two detached jobs, the safety export and the import, are carried by the plan as data ({@link io.rebound.restore.JobSpec})
 * and reported as {@link io.rebound.restore.JobProgress}; what starts and looks at a job is the runbook core's
 * ({@link io.rebound.runbook.JobRunner}) or, for Data Pump, the database's.
 */
package io.rebound.restore;
