/**
 * The audit trail: an append-only, hash-chained table in the engine database with one row per event of a
 * run (requested, plan, approval, each step, incidents, retries), secrets redacted before they are
 * written; and the read side over REST ({@code /api/recoveries}).
 */
package io.rebound.audit;
