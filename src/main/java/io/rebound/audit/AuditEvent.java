package io.rebound.audit;

/**
 * One row of the audit trail.
 *
 * @param at when it happened, ISO-8601 UTC with milliseconds
 * @param details JSON with the event's particulars (statements run, plan hash, comment...)
 * @param previousHash the hash of the row written just before this one, whichever run it belongs to
 * @param hash HMAC-SHA256, under the audit key, over {@code previousHash} and this row's fields (plain SHA-256
 *     for rows written before the chain was keyed)
 */
public record AuditEvent(
    long id,
    String processInstanceId,
    String type,
    String step,
    String actor,
    String at,
    String outcome,
    String details,
    String previousHash,
    String hash) {}
