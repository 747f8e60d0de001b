/**
 * The demo profile: an embedded PostgreSQL registered as target {@code demo}, holding a small
 * WINSTORE-like schema and a ready dump of it, and three users, so a newcomer can run a whole restore
 * from Tasklist a minute after starting. Never for production.
 */
package io.rebound.demo;
