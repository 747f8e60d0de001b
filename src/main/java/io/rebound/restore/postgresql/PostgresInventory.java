package io.rebound.restore.postgresql;

import static io.rebound.restore.postgresql.PostgresStatements.array;
import static io.rebound.target.Jdbc.queryStrings;

import io.rebound.restore.Inventory;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.target.Target;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a PostgreSQL target holds for a request: the roles that exist (those named, and those with the companion
 * prefix), the schemas they own, their objects and sessions, what outside those schemas depends on them, and
 * what the dump archive holds.
 */
final class PostgresInventory {

  private final PostgresDumpFiles dumpFiles;

  PostgresInventory(PostgresDumpFiles dumpFiles) {
    this.dumpFiles = dumpFiles;
  }

  Inventory inspect(Target target, SchemaRestoreRequest request) {
    try (Connection connection = target.connect()) {
      List<String> requested = request.namedUsers();
      List<String> existing = new ArrayList<>(queryStrings(connection, PostgresStatements.EXISTING_ROLES, array(connection, requested)));
      if (request.companionPrefix() != null) {
        for (String user : queryStrings(connection, PostgresStatements.PREFIXED_ROLES, request.companionPrefix(), request.companionPrefix())) {
          if (!existing.contains(user) && !user.equals(target.username()) && !user.equals("postgres")) {
            existing.add(user);
          }
        }
      }
      existing.sort(Inventory.ownerFirst(request.schemaOwner()));
      List<String> missing = requested.stream().filter(u -> !existing.contains(u)).toList();
      Array users = array(connection, existing);
      List<String> schemas = queryStrings(connection, PostgresStatements.SCHEMAS_OWNED, users);
      Map<String, Long> objects = new LinkedHashMap<>();
      try (PreparedStatement statement = connection.prepareStatement(PostgresStatements.OBJECT_COUNTS)) {
        statement.setArray(1, users);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            objects.put(rows.getString(1), rows.getLong(2));
          }
        }
      }
      List<Inventory.Session> sessions = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(PostgresStatements.SESSIONS)) {
        statement.setArray(1, users);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sessions.add(new Inventory.Session(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
          }
        }
      }
      return new Inventory(existing, missing, schemas, objects, sessions, dumpFiles.contents(target, request.dumpFile()),
          outsideDependents(connection, schemas));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot inspect target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  private static List<String> outsideDependents(Connection connection, List<String> schemas) throws SQLException {
    if (schemas.isEmpty()) {
      return List.of();
    }
    Array names = array(connection, schemas);
    return queryStrings(connection, PostgresStatements.OUTSIDE_DEPENDENTS, names, names);
  }
}
