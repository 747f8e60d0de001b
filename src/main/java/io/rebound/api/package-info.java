/**
 * Rebound's own REST API under {@code /api}: starting runbooks, following runs, approving, reading the
 * audit trail. Callers are authenticated by HTTP basic and act as themselves in the engine, so Camunda's
 * authorizations decide what they may do.
 */
package io.rebound.api;
