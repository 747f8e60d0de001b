/**
 * The reference replication workstation: a PostgreSQL database with the queues, marks, audit triggers and
 * generators, a working directory of replica files, and a mailbox in S3 where the server meets it. What a
 * site's own replication system plugs in instead is {@link io.rebound.repair.Workstation}.
 */
package io.rebound.repair.reference;
