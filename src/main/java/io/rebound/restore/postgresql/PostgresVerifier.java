package io.rebound.restore.postgresql;

import static io.rebound.target.Jdbc.queryLong;
import static io.rebound.target.Jdbc.queryStrings;

import io.rebound.restore.SequenceResync;
import io.rebound.restore.VerifyReport;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verify step on PostgreSQL: what the import left invalid (an index, a constraint not validated; nothing
 * there is recompiled), the rows of the key tables, and the sequences moved past the values in use
 * ({@link PostgresSequences}).
 */
final class PostgresVerifier {

  VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    try (Connection connection = target.connect()) {
      List<String> schemas = queryStrings(connection, PostgresStatements.SCHEMAS_OF_OWNER, schemaOwner);
      Array schemaArray = PostgresStatements.array(connection, schemas);
      List<String> invalid = new ArrayList<>();
      invalid.addAll(queryStrings(connection, PostgresStatements.INVALID_INDEXES, schemaArray));
      invalid.addAll(queryStrings(connection, PostgresStatements.NOT_VALID_CONSTRAINTS, schemaArray));
      log.fact("invalidObjects", invalid);

      Map<String, Long> rowCounts = new LinkedHashMap<>();
      List<String> empty = new ArrayList<>();
      for (String table : keyTables) {
        List<String> found = queryStrings(connection, PostgresStatements.TABLE_SCHEMAS, table, schemaArray, schemaOwner);
        if (found.isEmpty()) {
          empty.add(table + " (missing)");
          continue;
        }
        String sql = PostgresStatements.countRows(found.get(0), table);
        long rows = queryLong(connection, sql);
        log.ran(sql, rows + " rows");
        rowCounts.put(table, rows);
        if (rows == 0) {
          empty.add(table);
        }
      }

      String ownerSchema = schemas.contains(schemaOwner) ? schemaOwner : schemas.isEmpty() ? schemaOwner : schemas.get(0);
      List<SequenceResync> resynced = PostgresSequences.resync(connection, schemaArray, schemas, ownerSchema, sequences, log);
      return new VerifyReport(invalid, invalid, rowCounts, empty, resynced);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot verify target " + target.name() + ": " + e.getMessage(), e);
    }
  }
}
