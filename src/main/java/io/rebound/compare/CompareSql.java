package io.rebound.compare;

import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.target.DialectSpecific;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The SQL a comparison runs on one dialect: every statement, from the catalog's columns to a chunk's hashes
 * and the rows read again by key, and the expressions they are written from. Nothing else in the comparison
 * writes SQL: it asks the side's dialect for each statement. Every value a user gives is a bind variable;
 * identifiers are validated and quoted; the WHERE filter is checked by {@link WhereFilter} and run read-only.
 */
public interface CompareSql extends DialectSpecific {

  /** Columns of a table in order: binds schema, table; rows name, declared type, catalog type name. */
  String columnsQuery();

  /** The primary key's columns in key order: binds schema, table. */
  String primaryKeyQuery();

  /** The kind of a column from its catalog type name and declared type. */
  ColumnKind kindOf(String catalogType, String declaredType);

  /** An expression giving the column's normalised text, or NULL. */
  String normalised(Column column);

  /** A bind placeholder that turns normalised text back into the column's type, for key bounds. */
  String fromNormalised(Column column);

  /** The value bound to {@link #fromNormalised}'s placeholder for a key's normalised text: the text, unless the dialect binds another type. */
  default Object bindValue(Column column, String normalised) {
    return normalised;
  }

  /**
   * The database character set in which text is hashed, where it may be another than UTF-8 (which
   * PostgreSQL's side hashes in); null where it is not told.
   */
  default String characterSet(Connection connection) throws SQLException {
    return null;
  }

  /**
   * Privileges the connection's user lacks to compare these columns of the table, each as a person grants
   * it; empty when none is missing or the dialect's own errors say it well enough.
   */
  default List<String> missingPrivileges(Connection connection, TableRef table, List<Column> columns) throws SQLException {
    return List.of();
  }

  /** An ordering / comparison form of a key column that is the same on every database (binary for text). */
  String ordered(String expression, Column column);

  /** What {@link #collation} says of a column that sorts in byte order. */
  String BYTE_ORDER = "binary";

  /**
   * How a text column sorts on this side: {@link #BYTE_ORDER}, or a collation told by provider, locale and
   * library version (equal only where the order is); null when that cannot be told.
   */
  default String collation(Connection connection, TableRef table, Column column) throws SQLException {
    return BYTE_ORDER;
  }

  /** The MD5 of a text expression, as 32 lower-case hex digits. */
  String md5(String text);

  /**
   * Per bucket {@code b} of a subquery with columns {@code b} and {@code h} (a row's MD5): the bucket, its
   * row count and the two 60-bit sums of its row hashes. Unbucketed, one row for the whole subquery, with
   * bucket 0.
   */
  String md5Sums(String subquery, boolean bucketed);

  /** A number the statistics gave, or null when they gave none or nothing above zero (none gathered yet). */
  static Long positive(String number) {
    return number == null || Long.parseLong(number) < 1 ? null : Long.valueOf(number);
  }

  /** The planner's estimate of a table's rows, or null when it has none. */
  Long estimatedRows(Connection connection, TableRef table) throws SQLException;

  /**
   * The bytes a table's rows take, as the same statistics as {@link #estimatedRows} tell them, or null when
   * they do not.
   */
  default Long estimatedBytes(Connection connection, TableRef table) throws SQLException {
    return null;
  }

  /**
   * The smallest and the largest key of a table bucketed by modulo (its one whole-number column), each found
   * through an index where there is one.
   */
  String keyEndsQuery(SideTable table);

  /** The slice a whole-number key is in: (key - lower) / width, rounded down (key &ge; lower). */
  String slice(String key, String lower, String width);

  /** The number in the first {@code digits} hex digits (at most 7) of a hex text. */
  String hexPrefixNumber(String hex, int digits);

  /** Whether a numeric column holds whole numbers only, so that it can be bucketed by MOD. */
  boolean isInteger(Column column);

  /**
   * Whether the server hashes typed values itself, 64 bits a row with no text formatting (PostgreSQL 14 and
   * later). Used when both sides do; otherwise rows are hashed as text with MD5.
   */
  default boolean hashesTypedValues(Connection connection) throws SQLException {
    return false;
  }

  /**
   * A column's value as {@link #typedHash} takes it: {@code hashFunction(value, seed)} gives 64 bits, or
   * NULL for NULL.
   */
  record TypedValue(String hashFunction, String value) {}

  /**
   * The column as a value of a type its counterpart on the other side is given too, with that type's hash
   * function: equal data gives equal values of equal types, and so equal hashes.
   */
  default TypedValue typedValue(Column column, Column counterpart) {
    throw new UnsupportedOperationException(dialect() + " does not hash typed values");
  }

  /**
   * A 64-bit hash of typed values (from {@link #typedValue}), in their order; the seed makes unrelated
   * hashes.
   */
  default String typedHash(List<TypedValue> values, int seed) {
    throw new UnsupportedOperationException(dialect() + " does not hash typed values");
  }

  // The statements a comparison runs on a table, each asked of the side's own dialect: the form both
  // dialects share is ChunkSql's, which a dialect replaces where it can do better.

  /**
   * Per bucket of a key range of the table: bucket, rows, and the hash sums (one 64-bit sum for typed hashes
   * and a zero, two 60-bit sums for MD5). With no buckets, one row for the whole range, as bucket 0. Binds
   * {@link ChunkSql#rangeBinds(SideTable, KeyRange)}.
   */
  default String hashQuery(SideTable table, int buckets, KeyRange range) {
    return ChunkSql.hashQuery(table, buckets, range);
  }

  /**
   * The normalised keys and row hashes of the rows of some buckets (as {@link #hashQuery} numbers them) of a
   * key range. Binds {@link ChunkSql#rangeBinds(SideTable, KeyRange)}.
   */
  default String drillQuery(SideTable table, int buckets, KeyRange range, List<Long> wanted) {
    return ChunkSql.drillQuery(table, buckets, range, wanted);
  }

  /**
   * The smallest and the largest key of the rows the user's filter picks and their count, for a table bucketed
   * by modulo whose rows the statistics do not tell (or not of the rows the filter picks). Binds nothing.
   */
  default String keyEndsAndCountQuery(SideTable table) {
    return ChunkSql.keyEndsAndCountQuery(table);
  }

  /**
   * The normalised keys at every n-th row of a key range in key order, but the first: the keys that cut the
   * range into parts of n rows. Binds {@link ChunkSql#rangeBinds(SideTable, KeyRange)}, then n.
   */
  default String boundariesQuery(SideTable table, KeyRange range) {
    return ChunkSql.boundariesQuery(table, range);
  }

  /**
   * Some rows read again by key, the normalised key columns first, then every compared column normalised.
   * Binds {@link ChunkSql#keyBinds} of {@code keys} keys.
   */
  default String rowsByKeyQuery(SideTable table, int keys) {
    return ChunkSql.rowsByKeyQuery(table, keys);
  }

  /**
   * How long a comparison's statement may run, and wait for a lock, before it is cancelled (see
   * {@link ComparisonProperties}): a comparison never holds a lock that a restore waits for longer than a
   * statement may run, and never hangs on one.
   */
  record SessionLimits(Duration statementTimeout, Duration lockTimeout) {
    public static final SessionLimits DEFAULT = new SessionLimits(Duration.ofMinutes(4), Duration.ofSeconds(10));

    public SessionLimits {
      if (statementTimeout.isNegative() || statementTimeout.isZero() || lockTimeout.isNegative() || lockTimeout.isZero()) {
        throw new IllegalArgumentException("a comparison's statement and lock timeouts must be positive");
      }
    }
  }

  /**
   * Starts a read-only transaction on the connection, its statements bounded by the limits, and returns the
   * connection to run the comparison's statements on (the same one, or one that bounds each statement).
   */
  Connection beginReadOnly(Connection connection, SessionLimits limits) throws SQLException;
}
