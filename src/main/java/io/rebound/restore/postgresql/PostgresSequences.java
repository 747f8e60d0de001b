package io.rebound.restore.postgresql;

import io.rebound.restore.SequenceResync;
import io.rebound.runbook.StepLog;
import java.sql.Array;
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
 * Every sequence that feeds a numeric column of the restored schemas, and its resynchronisation. A sequence
 * feeds a column when the column owns it (serial, {@code OWNED BY}), when it is the column's identity, or when
 * the column's default calls {@code nextval} on it: PostgreSQL records that last one in {@code pg_depend} from
 * the default's {@code pg_attrdef} row (deptype {@code n}), so a sequence that was never made {@code OWNED BY}
 * its column, as in a schema brought over from Oracle or written by hand, is found as well.
 *
 * <p>A sequence is moved only forward, to just past the highest value of every column it feeds, and only when
 * it is in one of the restored schemas. One that lives in another schema (a default of the restored schema
 * calling {@code shared.ids}) may be shared with schemas this run was not approved to touch: it is reported
 * with its next value and the highest value it must pass, never moved.
 */
final class PostgresSequences {

  /** Rows: sequence schema, sequence, table schema, table, column, how the sequence feeds it. Binds: schemas twice. */
  static final String FEEDING = """
      SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname, CASE d.deptype WHEN 'i' THEN 'identity' ELSE 'owned' END
        FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)
         AND (sn.nspname = ANY(?) OR tn.nspname = ANY(?))
      UNION
      SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname, 'default'
        FROM pg_depend d
        JOIN pg_attrdef ad ON ad.oid = d.objid
        JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
        JOIN pg_class t ON t.oid = ad.adrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
       WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
         AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)
         AND (sn.nspname = ANY(?) OR tn.nspname = ANY(?))
       ORDER BY 1, 2, 3, 4, 5, 6""";

  /** One column a sequence feeds, and how. */
  record Feed(String schema, String table, String column, String how) {
    String describe() {
      return schema + "." + table + "." + column + " (" + how + ")";
    }
  }

  private PostgresSequences() {}

  /**
   * Finds the sequences feeding the schemas' columns, adds those the profile maps ({@code sequence ->
   * table.column}, in {@code ownerSchema}), and moves each one of the schemas past the values in use.
   */
  static List<SequenceResync> resync(Connection connection, Array schemas, List<String> schemaNames, String ownerSchema,
      Map<String, String> mapped, StepLog log) throws SQLException {
    Map<String, List<Feed>> feeding = discover(connection, schemas);
    mapped.forEach((sequence, column) -> {
      String[] parts = column.split("\\.");
      Feed feed = new Feed(ownerSchema, parts[0], parts[1], "profile");
      List<Feed> feeds = feeding.computeIfAbsent(ownerSchema + "." + sequence, s -> new ArrayList<>());
      if (feeds.stream().noneMatch(f -> f.table().equals(feed.table()) && f.column().equals(feed.column()))) {
        feeds.add(feed);
      }
    });
    List<SequenceResync> results = new ArrayList<>();
    for (Map.Entry<String, List<Feed>> entry : feeding.entrySet()) {
      String[] name = entry.getKey().split("\\.", 2);
      boolean ours = schemaNames.contains(name[0]);
      String sql = resyncSql(name[0], name[1], entry.getValue(), ours);
      try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
        row.next();
        long increment = row.getLong(1);
        Long highest = nullable(row, 2);
        long before = row.getLong(3);
        long after = row.getLong(4);
        List<String> feeds = entry.getValue().stream().map(Feed::describe).toList();
        SequenceResync result;
        if (!ours) {
          result = new SequenceResync(entry.getKey(), feeds, highest, before, after, SequenceResync.Outcome.NOT_MOVED,
              "in schema " + name[0] + ", outside the restored schemas and possibly shared: reported, not moved");
        } else if (increment < 0) {
          result = new SequenceResync(entry.getKey(), feeds, highest, before, after, SequenceResync.Outcome.NOT_MOVED,
              "it counts down (increment " + increment + ")");
        } else if (after != before) {
          result = new SequenceResync(entry.getKey(), feeds, highest, before, after, SequenceResync.Outcome.MOVED, null);
        } else {
          result = new SequenceResync(entry.getKey(), feeds, highest, before, after, SequenceResync.Outcome.ALREADY_PAST, null);
        }
        log.ran(sql, result.describe());
        results.add(result);
      }
    }
    return results;
  }

  /** {@code schema.sequence} to the columns it feeds, in the order found. */
  static Map<String, List<Feed>> discover(Connection connection, Array schemas) throws SQLException {
    Map<String, List<Feed>> found = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(FEEDING)) {
      for (int i = 1; i <= 4; i++) {
        statement.setArray(i, schemas);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<Feed> feeds = found.computeIfAbsent(rows.getString(1) + "." + rows.getString(2), s -> new ArrayList<>());
          Feed feed = new Feed(rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6));
          // A serial column both owns its sequence and calls it in its default: one column, said once.
          if (feeds.stream().noneMatch(f -> f.schema().equals(feed.schema()) && f.table().equals(feed.table())
              && f.column().equals(feed.column()))) {
            feeds.add(feed);
          }
        }
      }
    }
    return found;
  }

  /**
   * One statement that reads the sequence's increment, the highest value of the columns it feeds and the
   * value it hands out next, and, when {@code move}, sets it to just past that highest value if it is not
   * there already. Never backwards: {@code setval} runs only when the next value is not past the highest.
   * Columns: increment, highest (null without rows), next value before, next value after.
   */
  static String resyncSql(String schema, String sequence, List<Feed> feeds, boolean move) {
    String qualified = quoted(schema) + "." + quoted(sequence);
    String regclass = "'" + qualified.replace("'", "''") + "'::regclass";
    List<String> maxima = new ArrayList<>();
    for (Feed feed : feeds) {
      maxima.add("SELECT max(" + quoted(feed.column()) + ")::numeric AS v FROM " + quoted(feed.schema()) + "." + quoted(feed.table()));
    }
    String after = move
        ? "CASE WHEN state.increment > 0 AND highest.v >= state.next THEN setval(" + regclass + ", (highest.v + 1)::bigint, false)"
            + " ELSE state.next END"
        : "state.next";
    return "WITH highest AS (SELECT max(v) AS v FROM (" + String.join(" UNION ALL ", maxima) + ") columns),"
        + " state AS (SELECT p.seqincrement AS increment, CASE WHEN s.is_called THEN s.last_value + p.seqincrement ELSE s.last_value END AS next"
        + " FROM " + qualified + " s, pg_catalog.pg_sequence p WHERE p.seqrelid = " + regclass + ")"
        + " SELECT state.increment, highest.v, state.next, " + after + " FROM state, highest";
  }

  /** A name read from the catalog, quoted whatever it holds. */
  static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static Long nullable(ResultSet row, int column) throws SQLException {
    java.math.BigDecimal value = row.getBigDecimal(column);
    return value == null ? null : value.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }
}
