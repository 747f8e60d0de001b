/**
 * The audit trail: an append-only table in the engine database with one row per event of a run
 * (requested, plan, approval, each step, incidents, retries), secrets redacted before they are written,
 * each row chained to the one before by an HMAC under a key kept out of that database ({@code AuditKey}),
 * the chain's head anchored outside it ({@code AuditAnchor}); and the read side over REST
 * ({@code /api/recoveries}). Rebound's own tables in the engine database are created and changed by the
 * Flyway migrations in {@code db/migration}, which run before Camunda's engine starts.
 */
package io.rebound.audit;
