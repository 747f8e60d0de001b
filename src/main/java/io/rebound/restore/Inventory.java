package io.rebound.restore;

import java.util.List;
import java.util.Map;

/**
 * What the target holds now for the users a restore is about to replace.
 *
 * @param existingUsers the affected users that exist, owner first
 * @param missingUsers the requested users that do not exist (created by the bootstrap only)
 * @param schemas the schemas those users own (PostgreSQL; on Oracle user and schema are one)
 * @param objectCounts number of objects per existing user
 * @param sessions the sessions of the affected users
 * @param dumpContents what the dump file holds, as far as the dialect can tell before the import
 * @param outsideDependents what lies outside the affected schemas and users but depends on them, so that the
 *     reset drops or changes it too (a view over a restored table, a foreign key into one, a default that
 *     calls a restored sequence), as the database describes each
 */
public record Inventory(
    List<String> existingUsers,
    List<String> missingUsers,
    List<String> schemas,
    Map<String, Long> objectCounts,
    List<Session> sessions,
    List<String> dumpContents,
    List<String> outsideDependents) {

  public Inventory {
    outsideDependents = List.copyOf(outsideDependents);
    existingUsers = List.copyOf(existingUsers);
    missingUsers = List.copyOf(missingUsers);
    schemas = List.copyOf(schemas);
    objectCounts = Map.copyOf(objectCounts);
    sessions = List.copyOf(sessions);
    dumpContents = List.copyOf(dumpContents);
  }

  /** An inventory in which nothing outside the affected schemas depends on them. */
  public Inventory(List<String> existingUsers, List<String> missingUsers, List<String> schemas, Map<String, Long> objectCounts,
      List<Session> sessions, List<String> dumpContents) {
    this(existingUsers, missingUsers, schemas, objectCounts, sessions, dumpContents, List.of());
  }

  /** Orders users with the schema owner first, the others by name. */
  public static java.util.Comparator<String> ownerFirst(String owner) {
    return java.util.Comparator.<String, Boolean>comparing(user -> !user.equals(owner)).thenComparing(java.util.Comparator.naturalOrder());
  }

  /** A database session of an affected user. */
  public record Session(String user, String id, String program, String state) {}
}
