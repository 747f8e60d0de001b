/**
 * Targets: the databases Rebound works on, named in configuration ({@code rebound.targets.<name>}), and
 * the dialects (Oracle, PostgreSQL) that know how to inspect, reset, bootstrap, import into and verify
 * them. Nothing here knows about Camunda.
 */
package io.rebound.target;
