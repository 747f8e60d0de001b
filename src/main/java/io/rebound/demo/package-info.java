/**
 * The demo profile: an embedded PostgreSQL registered as target {@code demo}, holding a small
 * WINSTORE-like schema and a ready dump of it, and three users, so a newcomer can run a whole restore
 * from Tasklist a minute after starting. Never for production: everything it keeps is under its own
 * directory, and its users are marked so that the prod profile refuses a database that holds them.
 */
package io.rebound.demo;
