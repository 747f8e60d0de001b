package io.rebound.compare;

import io.rebound.compare.ChunkSql.Slices;
import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.target.Dialect;
import io.rebound.target.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Comparison SQL for PostgreSQL (13 and later: {@code trim_scale}). */
@Component
public class PostgresCompareSql implements CompareSql {

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public String columnsQuery() {
    return "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname FROM pg_attribute a"
        + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  }

  @Override
  public String primaryKeyQuery() {
    return "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true"
        + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
        + " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary ORDER BY k.position";
  }

  @Override
  public ColumnKind kindOf(String catalogType, String declaredType) {
    return switch (catalogType) {
      case "int2", "int4", "int8", "numeric", "oid" -> ColumnKind.NUMBER;
      case "text", "varchar", "name", "citext" -> ColumnKind.TEXT;
      case "bpchar" -> ColumnKind.CHAR;
      case "timestamp" -> declaredType.endsWith("(0) without time zone") ? ColumnKind.DATE : ColumnKind.TIMESTAMP;
      case "timestamptz" -> ColumnKind.TIMESTAMP_TZ;
      case "date" -> ColumnKind.DAY;
      case "bool" -> ColumnKind.BOOLEAN;
      case "bytea" -> ColumnKind.BINARY;
      default -> ColumnKind.OTHER;
    };
  }

  @Override
  public String normalised(Column column) {
    String c = '"' + column.name() + '"';
    return switch (column.kind()) {
      // Integers have no scale to trim; their text is already the shortest.
      case NUMBER -> isInteger(column) ? c + "::text" : "trim_scale(" + c + "::numeric)::text";
      case TEXT -> "NULLIF(" + c + "::text, '')";
      case CHAR -> "NULLIF(rtrim(" + c + "), '')";
      // Seconds precision, written with a zero fraction so that it meets a timestamp of the same instant.
      case DATE -> "to_char(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"')";
      case TIMESTAMP -> "to_char(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
      case TIMESTAMP_TZ -> "to_char(" + c + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
      // A day is a date at midnight, as Oracle's DATE holds it.
      case DAY -> "to_char(" + c + ", 'YYYY-MM-DD\"T00:00:00.000000\"')";
      case BOOLEAN -> "CASE " + c + " WHEN true THEN '1' WHEN false THEN '0' END";
      case BINARY -> "md5(" + c + ")";
      case OTHER -> c + "::text";
      case UNSUPPORTED -> throw new IllegalArgumentException("column " + column.name() + " of type " + column.type() + " cannot be compared");
    };
  }

  @Override
  public boolean isInteger(Column column) {
    return column.type().equals("integer") || column.type().equals("bigint") || column.type().equals("smallint");
  }

  @Override
  public String fromNormalised(Column column) {
    return switch (column.kind()) {
      case TIMESTAMP_TZ -> "(CAST(? AS timestamp) AT TIME ZONE 'UTC')";
      case DAY -> "CAST(CAST(? AS timestamp) AS date)";
      case BOOLEAN -> "(? = '1')";
      default -> "CAST(? AS " + column.type() + ")";
    };
  }

  @Override
  public String ordered(String expression, Column column) {
    // Byte order for text on both sides, whatever each database's collation is.
    return column.kind() == ColumnKind.TEXT || column.kind() == ColumnKind.CHAR ? expression + " COLLATE \"C\"" : expression;
  }

  /**
   * A column's collation, told by name, provider, locale and the version of the library that sorts it:
   * servers with a different glibc or ICU may sort the same locale differently. The database's default is
   * told only when it is a libc locale (PostgreSQL 15 and later report its version); C and POSIX sort bytes,
   * C.UTF-8 sorts code points.
   * Unknown (null) for nondeterministic collations and whatever cannot be told.
   */
  @Override
  public String collation(Connection connection, TableRef table, Column column) throws SQLException {
    boolean databaseVersion = connection.getMetaData().getDatabaseMajorVersion() >= 15;
    String query = "SELECT co.collname, co.collprovider, co.collisdeterministic, co.collcollate, pg_collation_actual_version(co.oid), "
        + (databaseVersion ? "d.datlocprovider::text, d.datcollate, pg_database_collation_actual_version(d.oid)" : "NULL, d.datcollate, NULL")
        + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_collation co ON co.oid = a.attcollation JOIN pg_database d ON d.datname = current_database()"
        + " WHERE n.nspname = ? AND c.relname = ? AND a.attname = ?";
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      Jdbc.bind(statement, table.schema(), table.table(), column.name());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next() || !row.getBoolean(3)) {
          return null;
        }
        boolean databaseDefault = row.getString(1).equals("default");
        String provider = databaseDefault ? row.getString(6) : row.getString(2);
        String locale = databaseDefault ? row.getString(7) : row.getString(4);
        String version = databaseDefault ? row.getString(8) : row.getString(5);
        if ("c".equals(provider) && ("C".equals(locale) || "POSIX".equals(locale))) {
          return BYTE_ORDER;
        }
        if ("c".equals(provider) && locale != null && locale.startsWith("C.")) {
          // C.UTF-8 and the like sort by code point, whatever the glibc, and have no version.
          return "c/" + locale;
        }
        if (version == null || databaseDefault && !"c".equals(provider)) {
          return null;
        }
        return (databaseDefault ? "default" : row.getString(1)) + "/" + provider + "/" + locale + "/" + version;
      }
    }
  }

  @Override
  public String md5(String text) {
    return "md5(" + text + ")";
  }

  @Override
  public String md5Sums(String subquery, boolean bucketed) {
    String sums = "count(*), sum(('x' || substr(h, 1, 15))::bit(60)::bigint), sum(('x' || substr(h, 16, 15))::bit(60)::bigint)"
        + " FROM (" + subquery + ") s";
    return bucketed ? "SELECT b, " + sums + " GROUP BY b" : "SELECT 0, " + sums;
  }

  @Override
  public boolean hashesTypedValues(Connection connection) throws SQLException {
    return connection.getMetaData().getDatabaseMajorVersion() >= 14;
  }

  /** Kinds whose values hash alike when given the same type on both sides. */
  private enum HashClass { NUMBER, TEXT, TIMESTAMP, TIMESTAMP_TZ, BOOLEAN, BINARY }

  private static HashClass hashClass(ColumnKind kind) {
    return switch (kind) {
      case NUMBER -> HashClass.NUMBER;
      case TEXT, CHAR, OTHER -> HashClass.TEXT;
      case DATE, TIMESTAMP, DAY -> HashClass.TIMESTAMP;
      case TIMESTAMP_TZ -> HashClass.TIMESTAMP_TZ;
      case BOOLEAN -> HashClass.BOOLEAN;
      case BINARY -> HashClass.BINARY;
      case UNSUPPORTED -> throw new IllegalArgumentException("a column of an unsupported type is not hashed");
    };
  }

  /**
   * Values keep their type where both sides' columns have the same class, so nothing is formatted, and are
   * hashed by their type's own hash function: a numeric's hash ignores its scale ({@code 1.50} =
   * {@code 1.5000}), integers of any width hash alike once bigint, a timestamptz hashes its instant (as UTC)
   * whatever the session's time zone, dates and timestamps meet as timestamps. Text of the same kind on
   * both sides hashes as it is, in byte order ({@code "C"}): CHAR padding is ignored by its own hash, and
   * {@code ''} and NULL differ, as they do on PostgreSQL (only Oracle cannot tell them apart). Columns of
   * different classes or kinds of text fall back to their normalised text on both sides.
   */
  @Override
  public TypedValue typedValue(Column column, Column counterpart) {
    HashClass mine = hashClass(column.kind());
    if (mine != hashClass(counterpart.kind()) || mine == HashClass.TEXT && column.kind() != counterpart.kind()) {
      return new TypedValue("hashtextextended", normalised(column) + " COLLATE \"C\"");
    }
    String c = '"' + column.name() + '"';
    return switch (mine) {
      case NUMBER -> isInteger(column) && isInteger(counterpart) ? new TypedValue("hashint8extended", c + "::bigint")
          : new TypedValue("hash_numeric_extended", c + "::numeric");
      case TEXT -> column.kind() == ColumnKind.CHAR ? new TypedValue("hashbpcharextended", c + " COLLATE \"C\"")
          : new TypedValue("hashtextextended", c + "::text COLLATE \"C\"");
      case TIMESTAMP -> new TypedValue("timestamp_hash_extended", c + "::timestamp");
      // The instant as UTC: a conversion without daylight saving, so one instant is one timestamp.
      case TIMESTAMP_TZ -> new TypedValue("timestamp_hash_extended", c + " AT TIME ZONE 'UTC'");
      case BOOLEAN -> new TypedValue("hashint4extended", c + "::int");
      // bytea's own hash function takes no SQL argument; a one-field record hashes it with that function.
      case BINARY -> new TypedValue("hash_record_extended", "ROW(" + c + ")");
    };
  }

  /**
   * Each value hashed by its type's function with a seed of its own (its position and the given seed),
   * NULL as a constant of its own, the hashes combined by XOR. About a third cheaper a row than
   * {@code hash_record_extended} of a row of the values, which builds the row and takes it apart again.
   */
  @Override
  public String typedHash(List<TypedValue> values, int seed) {
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      long position = (long) seed << 32 | i + 1;
      TypedValue value = values.get(i);
      hashes.add("coalesce(" + value.hashFunction() + "(" + value.value() + ", " + position + "), " + nullHash(position) + ")");
    }
    return "(" + String.join(" # ", hashes) + ")";
  }

  /** The hash of NULL at a position: a constant that looks like any other hash (SplitMix64's finaliser). */
  static long nullHash(long position) {
    long z = position + 0x9E3779B97F4A7C15L;
    z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
    z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
    return z ^ z >>> 31;
  }

  /**
   * As the planner estimates it: the rows per page the last VACUUM or ANALYZE saw ({@code reltuples /
   * relpages}) times the table's pages now, so that a table grown since still gets chunks of about the size
   * asked. Null before the first VACUUM or ANALYZE ({@code reltuples} -1, or 0 before 14).
   */
  @Override
  public Long estimatedRows(Connection connection, TableRef table) throws SQLException {
    return CompareSql.positive(Jdbc.queryString(connection, "SELECT round(c.reltuples / c.relpages * (pg_relation_size(c.oid)"
        + " / current_setting('block_size')::int))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND c.reltuples > 0 AND c.relpages > 0", table.schema(), table.table()));
  }

  /** The heap and its TOAST table (large values kept out of line), without indexes. */
  @Override
  public Long estimatedBytes(Connection connection, TableRef table) throws SQLException {
    return CompareSql.positive(Jdbc.queryString(connection, "SELECT pg_table_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ?", table.schema(), table.table()));
  }

  @Override
  public String keyEndsQuery(SideTable table) {
    String key = ChunkSql.quotedKey(table);
    return "SELECT MIN(" + key + "), MAX(" + key + ") FROM " + table.table().sql();
  }

  @Override
  public String slice(String key, String lower, String width) {
    // Whole-number keys are integer types here: their division rounds down for a key at or past the lower end.
    return "(" + key + " - " + lower + ") / " + width;
  }

  /**
   * The slices of a bounded whole-number key range wide enough to be worth an index descent each are summed
   * each on its own, rather than every row grouped by its slice: that costs what hashing the range whole does,
   * where grouping costs about a third more. A series of slice numbers, each joined LATERALly to its own
   * aggregate. The bounds are computed as numeric (the slice past the last could pass bigint's end), held to
   * the range's end, and compared as bigint, which the key's index serves whatever its integer width.
   */
  @Override
  public String hashQuery(SideTable table, int buckets, KeyRange range) {
    Slices slices = ChunkSql.summedSlices(table, buckets, range);
    if (slices == null) {
      return ChunkSql.hashQuery(table, buckets, range);
    }
    String lower = slices.lower().toString();
    String width = slices.width().toString();
    String upper = slices.upper().toString();
    String from = "CAST(LEAST(" + lower + " + s.b * " + width + "::numeric, " + upper + ") AS bigint)";
    String to = "CAST(LEAST(" + lower + " + (s.b + 1) * " + width + "::numeric, " + upper + ") AS bigint)";
    return "SELECT s.b, x.c, x.h1, x.h2 FROM generate_series(0, " + (slices.count() - 1) + ") AS s(b) CROSS JOIN LATERAL ("
        + ChunkSql.flatHashQuery(table, ChunkSql.where(table, range) + ChunkSql.and(table, range) + between(table, from, to))
        + ") AS x(z, c, h1, h2) WHERE x.c > 0";
  }

  /**
   * The differing slices of a bounded whole-number key range as spans of keys (neighbours joined), each read
   * on its own: a list of spans joined LATERALly to their rows, one index range scan a span. The planner would
   * otherwise often read the whole chunk once and filter it by the spans, which costs what hashing the chunk
   * does for a few dozen rows.
   */
  @Override
  public String drillQuery(SideTable table, int buckets, KeyRange range, List<Long> wanted) {
    Slices slices = table.byModulo() ? Slices.of(range, buckets) : null;
    if (slices == null) {
      return ChunkSql.drillQuery(table, buckets, range, wanted);
    }
    List<String> values = slices.spans(wanted).stream().map(span -> "(" + span.from() + "::bigint, " + span.to() + "::bigint)").toList();
    return "SELECT x.* FROM (VALUES " + String.join(", ", values) + ") AS r(f, t) CROSS JOIN LATERAL ("
        + ChunkSql.rowHashesQuery(table, range) + ChunkSql.and(table, range) + between(table, "r.f", "r.t") + ") AS x";
  }

  /** The key from {@code from} to before {@code to}. */
  private static String between(SideTable table, String from, String to) {
    String key = ChunkSql.quotedKey(table);
    return key + " >= " + from + " AND " + key + " < " + to;
  }

  @Override
  public String hexPrefixNumber(String hex, int digits) {
    return "('x' || substr(" + hex + ", 1, " + digits + "))::bit(" + (4 * digits) + ")::int";
  }


  /**
   * One round trip, as every chunk starts its transactions afresh; every setting is LOCAL, so it ends with
   * the transaction and a pooled connection goes back as it came.
   * work_mem: a chunk's few thousand buckets fit in a hash table of about a megabyte, but the planner
   * expects a group per row: with the default 4 MB it would sort the whole chunk, on disk.
   * No parallel workers: a chunk is a short range scan, workers cost more to start than they save, and
   * they take cores from the server's own work.
   * No JIT: the planner prices a chunk's thousands of slices as one big query and would compile and
   * optimise it every time, which takes longer than the chunk.
   * statement_timeout and lock_timeout: the server cancels a statement that runs or waits too long, so a
   * comparison neither hangs behind a lock nor holds one (a restore's DROP waits for it) for long.
   */
  @Override
  public Connection beginReadOnly(Connection connection, SessionLimits limits) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL work_mem = '64MB';"
          + " SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off;"
          + " SET LOCAL statement_timeout = " + limits.statementTimeout().toMillis() + ";"
          + " SET LOCAL lock_timeout = " + limits.lockTimeout().toMillis());
    }
    return connection;
  }
}
