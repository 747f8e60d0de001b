package io.rebound.compare;

/**
 * A run of the table-compare runbook: a new comparison, or a retry of an earlier comparison's failed tables.
 *
 * @param comparison the comparison asked for; null for a retry
 * @param retryOf the comparison whose failed tables are compared again; null for a new comparison
 */
public record TableCompareRequest(ComparisonRequest comparison, String retryOf) {}
