package io.rebound.compare;

import io.rebound.compare.PreparedTable.SideTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of a comparison in the form both dialects share, written from the expressions of the side's
 * own dialect ({@link CompareSql}): the WHERE clause of a key range and its binds, a row's bucket, a chunk's
 * hashes, a drill into some buckets' rows, the keys that cut a table into ranges, and rows read again by key.
 * A dialect's statements are these unless it writes one of its own ({@link PostgresCompareSql} sums slices
 * and reads spans each on their own); nothing else in the comparison writes SQL.
 */
final class ChunkSql {

  private ChunkSql() {}

  /**
   * Keys in a slice below which its rows are grouped rather than summed slice by slice: a slice of its
   * own costs an index descent, about what grouping 17 rows costs (measured on PostgreSQL 15).
   */
  static final BigInteger MIN_SUMMED_SLICE = BigInteger.valueOf(32);

  /** Values an IN list holds at most: Oracle refuses more (ORA-01795). */
  static final int MAX_IN_LIST = 1000;

  /**
   * Per bucket of the range: bucket, rows, and the hash sums (one 64-bit sum for typed hashes, two 60-bit
   * sums for MD5). With no buckets, one row for the whole range, as bucket 0. Every row is grouped by its
   * bucket.
   */
  static String hashQuery(SideTable table, int buckets, KeyRange range) {
    if (buckets == 0) {
      return flatHashQuery(table, where(table, range));
    }
    String subquery = "SELECT " + bucket(table, buckets, range) + " AS b, " + rowHash(table) + " AS h FROM " + table.table().sql()
        + where(table, range);
    return table.typedHash() ? "SELECT b, count(*), sum(h), 0 FROM (" + subquery + ") s GROUP BY b" : table.sql().md5Sums(subquery, true);
  }

  /** The rows that a WHERE clause picks, their count and hash sums, as bucket 0. */
  static String flatHashQuery(SideTable table, String where) {
    String subquery = "SELECT " + rowHash(table) + " AS h FROM " + table.table().sql() + where;
    return table.typedHash() ? "SELECT 0, count(*), sum(h), 0 FROM (" + subquery + ") s" : table.sql().md5Sums(subquery, false);
  }

  /** A row's hash: 64 bits of its typed values where both sides can, else the MD5 of its normalised text. */
  static String rowHash(SideTable table) {
    return table.typedHash() ? table.sql().typedHash(table.typed(), 0) : table.sql().md5(table.rowText());
  }

  /**
   * A row's bucket, from its key only, so a changed row stays in its bucket on both sides. A whole-number key
   * in a bounded range: equal consecutive slices of the range, so that the rows of a bucket are found through
   * the key's index; in an open range, the key MOD n. Any other key: a number from a hash of the key (typed,
   * or of its normalised text).
   */
  static String bucket(SideTable table, int buckets, KeyRange range) {
    CompareSql sql = table.sql();
    if (table.byModulo()) {
      String key = quotedKey(table);
      Slices slices = Slices.of(range, buckets);
      return slices == null ? "MOD(" + key + ", " + buckets + ")" : sql.slice(key, slices.lower().toString(), slices.width().toString());
    }
    if (table.typedHash()) {
      return "MOD(" + sql.typedHash(table.typed().subList(0, table.keyCount()), 1) + " & 9223372036854775807, " + buckets + ")";
    }
    return "MOD(" + sql.hexPrefixNumber(sql.md5(table.keyText()), 7) + ", " + buckets + ")";
  }

  /** The key of a table bucketed by modulo, its one whole-number column, quoted. */
  static String quotedKey(SideTable table) {
    return "\"" + table.key().get(0).name() + "\"";
  }

  /**
   * The slices a bounded range of a table bucketed by modulo is cut into when its rows are hashed by
   * bucket: null where its rows are grouped by bucket instead (another key, an open range, slices too
   * narrow to be worth an index descent each).
   */
  static Slices summedSlices(SideTable table, int buckets, KeyRange range) {
    Slices slices = buckets > 0 && table.byModulo() ? Slices.of(range, buckets) : null;
    return slices != null && slices.width().compareTo(MIN_SUMMED_SLICE) >= 0 ? slices : null;
  }

  /** Keys of a whole-number key from {@code from} to before {@code to}. */
  record Span(BigInteger from, BigInteger to) {}

  /**
   * A bounded range of a whole-number key, from {@code lower} to before {@code upper}, cut into slices of
   * one width, the last one maybe shorter.
   */
  record Slices(BigInteger lower, BigInteger width, BigInteger upper) {

    /** The slices of a range bounded on both sides, or null for an open range. */
    static Slices of(KeyRange range, int buckets) {
      if (range.lower() == null || range.upper() == null) {
        return null;
      }
      BigInteger lower = new BigInteger(range.lower().get(0));
      BigInteger upper = new BigInteger(range.upper().get(0));
      BigInteger count = BigInteger.valueOf(buckets);
      return new Slices(lower, upper.subtract(lower).add(count).subtract(BigInteger.ONE).divide(count).max(BigInteger.ONE), upper);
    }

    /** Slices that hold keys of the range: fewer than asked where the range is narrower than they are. */
    int count() {
      return upper.subtract(lower).add(width).subtract(BigInteger.ONE).divide(width).intValueExact();
    }

    BigInteger from(long bucket) {
      return lower.add(width.multiply(BigInteger.valueOf(bucket)));
    }

    /** The key ranges of some slices, neighbours joined, the last held to the range's end. */
    List<Span> spans(List<Long> slices) {
      List<Span> spans = new ArrayList<>();
      List<Long> sorted = slices.stream().sorted().toList();
      for (int i = 0; i < sorted.size(); i++) {
        long first = sorted.get(i);
        while (i + 1 < sorted.size() && sorted.get(i + 1) == sorted.get(i) + 1) {
          i++;
        }
        spans.add(new Span(from(first), from(sorted.get(i) + 1).min(upper)));
      }
      return spans;
    }
  }

  /**
   * Keys and row hashes of some buckets of a range. Slices of a whole-number key become key ranges
   * (neighbours joined) which the key's index serves, read with one condition; any other key: one read of
   * the range keeps the rows of the wanted buckets.
   */
  static String drillQuery(SideTable table, int buckets, KeyRange range, List<Long> wanted) {
    Slices slices = table.byModulo() ? Slices.of(range, buckets) : null;
    String rows = rowHashesQuery(table, range);
    if (slices == null) {
      return rows + and(table, range) + inLists(bucket(table, buckets, range), wanted);
    }
    String key = quotedKey(table);
    List<String> ranges = slices.spans(wanted).stream()
        .map(span -> "(" + key + " >= " + span.from() + " AND " + key + " < " + span.to() + ")").toList();
    return rows + and(table, range) + "(" + String.join(" OR ", ranges) + ")";
  }

  /** What joins a further condition to the range's WHERE clause. */
  static String and(SideTable table, KeyRange range) {
    return where(table, range).isEmpty() ? " WHERE " : " AND ";
  }

  /** An expression in a list of values: lists of at most {@link #MAX_IN_LIST}, joined by OR. */
  static String inLists(String expression, List<Long> values) {
    List<String> lists = new ArrayList<>();
    for (int from = 0; from < values.size(); from += MAX_IN_LIST) {
      List<Long> list = values.subList(from, Math.min(values.size(), from + MAX_IN_LIST));
      lists.add(expression + " IN (" + String.join(", ", list.stream().map(String::valueOf).toList()) + ")");
    }
    return lists.size() == 1 ? lists.get(0) : "(" + String.join(" OR ", lists) + ")";
  }

  /** The normalised key columns and the row hash of every row of a range. */
  static String rowHashesQuery(SideTable table, KeyRange range) {
    List<String> selected = new ArrayList<>();
    table.key().forEach(column -> selected.add(table.sql().normalised(column)));
    selected.add(table.typedHash() ? rowHash(table) + "::text" : rowHash(table));
    return "SELECT " + String.join(", ", selected) + " FROM " + table.table().sql() + where(table, range);
  }

  /**
   * The smallest and the largest key of the rows the user's filter picks, and their count: for a table
   * whose statistics cannot tell its rows.
   */
  static String keyEndsAndCountQuery(SideTable table) {
    String key = quotedKey(table);
    return "SELECT MIN(" + key + "), MAX(" + key + "), COUNT(*) FROM " + table.table().sql() + (table.where() == null ? "" : " WHERE (" + table.where() + ")");
  }

  /**
   * The normalised keys at every n-th row of a range in key order (n bound last, after the range's binds),
   * leaving out the first row: the keys that cut the range into parts of n rows.
   */
  static String boundariesQuery(SideTable table, KeyRange range) {
    CompareSql sql = table.sql();
    List<Column> key = table.key();
    List<String> selected = new ArrayList<>();
    List<String> order = new ArrayList<>();
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      selected.add(sql.normalised(key.get(i)) + " AS k" + i);
      order.add(ordered(sql, '"' + key.get(i).name() + '"', key.get(i), table.ownKeyOrder()));
      outer.add("k" + i);
    }
    String inner = "SELECT " + String.join(", ", selected) + ", ROW_NUMBER() OVER (ORDER BY " + String.join(", ", order) + ") AS rn FROM "
        + table.table().sql() + where(table, range);
    return "SELECT " + String.join(", ", outer) + " FROM (" + inner + ") b WHERE MOD(rn - 1, ?) = 0 AND rn > 1 ORDER BY rn";
  }

  /**
   * The rows at some keys, read again: the normalised key columns, then every compared column normalised,
   * for {@code keys} keys (bound as {@link #keyBinds} gives them).
   */
  static String rowsByKeyQuery(SideTable table, int keys) {
    List<String> selected = new ArrayList<>();
    table.columns().forEach(column -> selected.add(table.sql().normalised(column)));
    List<String> equal = new ArrayList<>();
    for (Column column : table.key()) {
      equal.add("\"" + column.name() + "\" = " + table.sql().fromNormalised(column));
    }
    String one = "(" + String.join(" AND ", equal) + ")";
    List<String> any = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      any.add(one);
    }
    return "SELECT " + String.join(", ", selected) + " FROM " + table.table().sql() + " WHERE " + String.join(" OR ", any);
  }

  /** The binds of {@link #rowsByKeyQuery}: each key's values in order, as the side binds its key columns. */
  static List<Object> keyBinds(SideTable table, List<List<String>> keys) {
    List<Object> binds = new ArrayList<>();
    for (List<String> key : keys) {
      for (int i = 0; i < key.size(); i++) {
        binds.add(table.sql().bindValue(table.key().get(i), key.get(i)));
      }
    }
    return binds;
  }

  /** The WHERE clause of a range of a side's table (and the user's filter); binds in {@link #rangeBinds} order. */
  static String where(SideTable table, KeyRange range) {
    return where(table.sql(), table.key(), range, table.where(), table.ownKeyOrder());
  }

  /**
   * The WHERE clause of a range (and the user's filter); binds in {@link #rangeBinds} order. Text keys
   * compare in byte order unless both sides sort them alike in their own collation ({@code ownOrder}).
   */
  static String where(CompareSql sql, List<Column> key, KeyRange range, String filter, boolean ownOrder) {
    List<String> conditions = new ArrayList<>();
    if (range.lower() != null) {
      conditions.add(bound(sql, key, 0, true, ownOrder));
    }
    if (range.upper() != null) {
      conditions.add(bound(sql, key, 0, false, ownOrder));
    }
    if (filter != null) {
      conditions.add("(" + filter + ")");
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /**
   * Lexicographic comparison of the key with a bound, from column {@code i} on: lower bounds are
   * inclusive, upper bounds exclusive. Written out column by column, as Oracle has no row comparison.
   */
  private static String bound(CompareSql sql, List<Column> key, int i, boolean lower, boolean ownOrder) {
    Column column = key.get(i);
    String left = ordered(sql, '"' + column.name() + '"', column, ownOrder);
    String right = ordered(sql, sql.fromNormalised(column), column, ownOrder);
    boolean last = i == key.size() - 1;
    if (last) {
      return left + (lower ? " >= " : " < ") + right;
    }
    String strict = left + (lower ? " > " : " < ") + right;
    return "(" + strict + " OR (" + '"' + column.name() + '"' + " = " + sql.fromNormalised(column) + " AND " + bound(sql, key, i + 1, lower, ownOrder) + "))";
  }

  /** A key column as ranges compare it: as it is where both sides share its collation, else in byte order. */
  private static String ordered(CompareSql sql, String expression, Column column, boolean ownOrder) {
    return ownOrder ? expression : sql.ordered(expression, column);
  }

  /** Bind values for {@link #where}: each bound's values in the order its nested form uses them, as text. */
  static List<String> rangeBinds(KeyRange range) {
    List<String> binds = new ArrayList<>();
    for (List<String> bound : bounds(range)) {
      for (int i = 0; i < bound.size(); i++) {
        binds.add(bound.get(i));
        if (i < bound.size() - 1) {
          binds.add(bound.get(i));
        }
      }
    }
    return binds;
  }

  /**
   * Bind values for {@link #where} on one side: as {@link #rangeBinds(KeyRange)}, each value as that side
   * binds its key column ({@link CompareSql#bindValue}: an Oracle number as a number).
   */
  static List<Object> rangeBinds(SideTable table, KeyRange range) {
    List<Object> binds = new ArrayList<>();
    for (List<String> bound : bounds(range)) {
      for (int i = 0; i < bound.size(); i++) {
        Object value = table.sql().bindValue(table.key().get(i), bound.get(i));
        binds.add(value);
        if (i < bound.size() - 1) {
          binds.add(value);
        }
      }
    }
    return binds;
  }

  private static List<List<String>> bounds(KeyRange range) {
    List<List<String>> bounds = new ArrayList<>();
    if (range.lower() != null) {
      bounds.add(range.lower());
    }
    if (range.upper() != null) {
      bounds.add(range.upper());
    }
    return bounds;
  }
}
