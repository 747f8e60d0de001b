package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.bind;
import static io.rebound.target.Jdbc.queryStrings;

import io.rebound.restore.Inventory;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Oracle target holds for a request: the users that exist (those named, and those with the companion
 * prefix; never the account Rebound connects as), their objects and sessions, what other owners hold that depends
 * on them, and the dump file as the database server sees it.
 */
final class OracleInventory {

  private final OracleDumpFiles dumpFiles;

  OracleInventory(OracleDumpFiles dumpFiles) {
    this.dumpFiles = dumpFiles;
  }

  Inventory inspect(Target target, SchemaRestoreRequest request) {
    try (Connection connection = target.connect()) {
      List<String> requested = request.namedUsers();
      List<Object> binds = new ArrayList<>(requested);
      if (request.companionPrefix() != null) {
        binds.add(OracleStatements.likePrefix(request.companionPrefix()));
      }
      List<String> existing = new ArrayList<>(queryStrings(connection,
          OracleStatements.existingUsers(requested.size(), request.companionPrefix() != null), binds.toArray()));
      existing.removeIf(user -> user.equalsIgnoreCase(target.username()));
      existing.sort(Inventory.ownerFirst(request.schemaOwner()));
      List<String> missing = requested.stream().filter(u -> !existing.contains(u)).toList();
      Map<String, Long> objects = new LinkedHashMap<>();
      List<Inventory.Session> sessions = new ArrayList<>();
      if (!existing.isEmpty()) {
        try (PreparedStatement statement = connection.prepareStatement(OracleStatements.objectCounts(existing.size()))) {
          bind(statement, existing.toArray());
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              objects.put(rows.getString(1), rows.getLong(2));
            }
          }
        }
        try (PreparedStatement statement = connection.prepareStatement(OracleStatements.sessions(existing.size()))) {
          bind(statement, existing.toArray());
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              sessions.add(new Inventory.Session(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
          }
        }
      }
      OracleDumpFiles.FileCheck dump = dumpFiles.check(connection, target, request.dumpFile());
      List<String> outside = List.of();
      if (!existing.isEmpty()) {
        List<Object> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          users.addAll(existing);
        }
        outside = queryStrings(connection, OracleStatements.outsideDependents(existing.size()), users.toArray());
      }
      return new Inventory(existing, missing, existing, objects, sessions,
          List.of("dump file " + request.dumpFile() + ", " + dump.length() + " bytes, checked through " + dump.how()), outside);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot inspect target " + target.name() + ": " + e.getMessage(), e);
    }
  }
}
