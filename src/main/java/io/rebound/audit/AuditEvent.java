package io.rebound.audit;

/**
 * One row of the audit trail.
 *
 * @param at when it happened, ISO-8601 UTC with milliseconds
 * @param details JSON with the event's particulars (statements run, plan hash, comment...)
 * @param previousHash the hash of the row written just before this one, whichever run it belongs to
 * @param hash SHA-256 over {@code previousHash} and this row's fields
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
