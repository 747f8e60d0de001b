package io.rebound.compare;

import io.rebound.target.DialectSpecific;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The SQL a comparison runs on one dialect. Every value a user gives is a bind variable; identifiers are
 * validated and quoted; the WHERE filter is checked by {@link WhereFilter} and run read-only.
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

  /** The smallest and the largest value of a column of a table, each found through an index where there is one. */
  String keyEndsQuery(String table, String column);

  /** The slice a whole-number key is in: (key - lower) / width, rounded down (key &ge; lower). */
  String slice(String key, String lower, String width);

  /**
   * Per slice of a bounded whole-number key range, rows {@code slice, count, sum, sum} for the slices with
   * rows: each slice summed on its own by {@code flat}, given the expressions of the slice's first key and
   * of the key past its end, through the key's index, rather than every row grouped by its slice. Null
   * where the dialect groups instead.
   *
   * @param count slices, numbered from 0
   * @param lower the range's first key, where slice 0 starts
   * @param width keys in a slice
   * @param upper the key past the range's end, where the last slice ends
   */
  default String slicedSums(int count, String lower, String width, String upper, BinaryOperator<String> flat) {
    return null;
  }

  /** Keys of a whole-number key from {@code from} to before {@code to}. */
  record Span(BigInteger from, BigInteger to) {}

  /**
   * The rows of several spans of a whole-number key, each span read on its own through the key's index,
   * by {@code rows} given the expressions of a span's first key and of the key past its end. Null where
   * the dialect reads the rows of every span with one condition instead.
   */
  default String rowsInSpans(List<Span> spans, BinaryOperator<String> rows) {
    return null;
  }

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
