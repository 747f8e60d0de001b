/**
 * Rebound's own REST API under {@code /api}: starting runbooks, following runs (every runbook's, as the console
 * at {@code /} reads them), approving, cancelling a run that waits for its approval, reading the audit trail and
 * reports of runs and comparisons, and the targets and dump files a request may name.
 * Callers are authenticated by HTTP basic or their webapp session and act as themselves in the engine, so
 * Camunda's authorizations decide what they may do.
 */
package io.rebound.api;
