/**
 * The {@code database-backup} and {@code database-restore} runbooks on the runbook core: their process constants,
 * inputs, descriptors, schedules (timer start events added to the backup model per configured target), the
 * services that do the work over the catalog, the bucket and a target's physical backup layer, their thin step
 * delegates, and the REST API under {@code /api/backups} and {@code /api/database-restores}. The restore part of a plan
 * ({@link io.rebound.backup.runbooks.RestoreFromBackups}) is shown and hashed alike by every runbook that restores from
 * the bucket, the database recovery's included.
 */
package io.rebound.backup.runbooks;
