/**
 * The schema-restore runbook (Data Pump / pg_restore): its inputs, plan, services, step delegates and
 * REST entry point. Services here are plain Java; the delegates are thin adapters to the engine.
 */
package io.rebound.restore;
