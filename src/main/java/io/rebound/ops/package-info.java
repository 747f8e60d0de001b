/**
 * What an operator watches Rebound by: the health the probes read (engine database, each target's reachability, all
 * checked within a time bound), Rebound's metrics for Prometheus (runs by runbook and state, step durations,
 * incidents, approvals waiting, comparison throughput, retries, the engine's job executor) and the OpenAPI
 * description of {@code /api}.
 */
package io.rebound.ops;
