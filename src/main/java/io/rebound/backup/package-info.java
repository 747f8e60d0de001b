/**
 * Database backups in S3: the manifest written last for every backup and every batch of shipped archived logs
 * (a backup without its manifest does not exist), the catalog kept in the engine database and rebuilt from the
 * bucket's manifests alone, the point-in-time planner that picks exactly the backups and logs a point needs or
 * says why it cannot, and the retention rule that deletes only what no point inside the recovery window needs.
 * Nothing here knows about Camunda; the RMAN and PostgreSQL specifics of taking a backup live elsewhere.
 */
package io.rebound.backup;
