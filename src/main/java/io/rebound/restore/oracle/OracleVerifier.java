package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.executeCall;
import static io.rebound.target.Jdbc.queryLong;

import io.rebound.restore.SequenceResync;
import io.rebound.restore.VerifyReport;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verify step on Oracle: the schema's invalid objects recompiled (the whole schema, or object by object when
 * that cannot run) and those still invalid named with their first error, the rows of the key tables, and the
 * sequences and identity columns moved past the values in use ({@link OracleSequences}).
 */
final class OracleVerifier {

  VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    try (Connection connection = target.connect()) {
      return verify(connection, schemaOwner, keyTables, sequences, log);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot verify target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  static VerifyReport verify(Connection connection, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log)
      throws SQLException {
    List<String[]> invalidObjects = invalidObjects(connection, schemaOwner);
    List<String> invalid = invalidObjects.stream().map(o -> o[0] + " " + o[1]).toList();
    List<String> stillInvalid = invalid;
    if (!invalid.isEmpty()) {
      recompile(connection, schemaOwner, invalidObjects, log);
      stillInvalid = stillInvalid(connection, schemaOwner);
      log.ran("invalid objects of " + schemaOwner + " after recompiling", stillInvalid.isEmpty() ? "none" : String.join("; ", stillInvalid));
    }
    Map<String, Long> rowCounts = new LinkedHashMap<>();
    List<String> empty = new ArrayList<>();
    for (String table : keyTables) {
      if (queryLong(connection, OracleStatements.TABLE_EXISTS, schemaOwner, table) == 0) {
        empty.add(table + " (missing)");
        continue;
      }
      String sql = OracleStatements.countRows(schemaOwner, table);
      long rows = queryLong(connection, sql);
      log.ran(sql, rows + " rows");
      rowCounts.put(table, rows);
      if (rows == 0) {
        empty.add(table);
      }
    }
    List<SequenceResync> resynced = OracleSequences.resync(connection, schemaOwner, sequences, log);
    return new VerifyReport(invalid, stillInvalid, rowCounts, empty, resynced);
  }

  private static List<String[]> invalidObjects(Connection connection, String owner) throws SQLException {
    List<String[]> objects = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(OracleStatements.INVALID_OBJECTS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          objects.add(new String[] {rows.getString(1), rows.getString(2)});
        }
      }
    }
    return objects;
  }

  /**
   * Recompiles the schema in dependency order; if that cannot run (ORA-20000, a privilege missing for some
   * object), each invalid object on its own, so what can be compiled is, and what cannot is reported.
   */
  private static void recompile(Connection connection, String owner, List<String[]> invalid, StepLog log) throws SQLException {
    try {
      executeCall(connection, OracleStatements.RECOMPILE, owner);
      log.ran(OracleStatements.RECOMPILE + "  -- binds: " + owner, "recompiled " + invalid.size() + " invalid objects");
      return;
    } catch (SQLException e) {
      log.ran(OracleStatements.RECOMPILE + "  -- binds: " + owner, "failed: " + e.getMessage() + "; recompiling object by object");
    }
    for (String[] object : invalid) {
      String sql = OracleStatements.compile(owner, object[0], object[1]);
      if (sql == null) {
        continue;
      }
      try (Statement statement = connection.createStatement()) {
        // An object that does not compile stays invalid (ORA-24344, a warning or an error by driver): read below.
        statement.execute(sql);
        log.ran(sql, "ok");
      } catch (SQLException e) {
        log.ran(sql, "failed: " + e.getMessage());
      }
    }
  }

  /** The objects still invalid, each with its first compilation error where the dictionary has one. */
  private static List<String> stillInvalid(Connection connection, String owner) throws SQLException {
    Map<String, String> errors = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(OracleStatements.FIRST_ERRORS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          errors.put(rows.getString(1) + " " + rows.getString(2), rows.getString(3));
        }
      }
    }
    List<String> still = new ArrayList<>();
    for (String[] object : invalidObjects(connection, owner)) {
      String name = object[0] + " " + object[1];
      String error = errors.get(name);
      still.add(error == null ? name : name + " (" + error.strip() + ")");
    }
    return still;
  }
}
