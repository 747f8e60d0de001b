/**
 * What every runbook shares: rejected inputs, the log a step keeps of what it ran, and the base of the
 * step delegates that writes that log to the audit trail.
 */
package io.rebound.runbook;
