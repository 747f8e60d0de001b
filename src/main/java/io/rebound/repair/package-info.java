/**
 * The workstation repair: a replication workstation restored from a backup, or that lost its working
 * directory, is diagnosed ({@code processes/workstation-needs-repair.dmn}) and repaired step by step by the
 * {@code workstation-repair} runbook. {@link io.rebound.repair.Workstation} is where a site's replication
 * system plugs in; {@code reference/} is the complete reference implementation.
 */
package io.rebound.repair;
