package io.rebound.recovery;

/**
 * Validated inputs of one database recovery.
 *
 * @param target the damaged database
 * @param pointInTime {@code latest} (complete recovery) or an ISO-8601 instant to recover to (incomplete recovery)
 */
record DatabaseRecoveryRequest(String target, String pointInTime) {}
