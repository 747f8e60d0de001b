package io.rebound.compare;

import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.compare.TableComparator.Side;
import io.rebound.target.Jdbc;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table cut into chunks, the key ranges compared one at a time, from the source's side: ranges of about the
 * rows asked for, or fewer where the source's statistics say that many would take more bytes than a chunk may.
 * A whole-number key is cut by arithmetic on its ends; any other key from one ordered scan of the source's
 * keys.
 */
final class KeyRanges {

  private KeyRanges() {}

  /**
   * Splits the whole table into ranges of about {@code chunkSize} source rows, or fewer where the source's
   * statistics say that many would take more than {@code maxChunkBytes}.
   */
  static List<KeyRange> of(Side source, PreparedTable table, int chunkSize, long maxChunkBytes) throws SQLException {
    Long tableRows = source.sql().estimatedRows(source.connection(), table.source());
    Long tableBytes = tableRows == null ? null : source.sql().estimatedBytes(source.connection(), table.source());
    int rows = rowsPerChunk(chunkSize, tableRows, tableBytes, maxChunkBytes);
    SideTable onSource = table.onSource(source.sql());
    if (table.bucketByModulo()) {
      return byArithmetic(source, onSource, rows, table.sourceWhere() == null ? tableRows : null);
    }
    return KeyRange.ALL.splitAt(boundaries(source, onSource, KeyRange.ALL, rows));
  }

  /** Rows a chunk takes: as asked, or as many as fit in {@code maxChunkBytes} at the table's average row size. */
  static int rowsPerChunk(int chunkSize, Long tableRows, Long tableBytes, long maxChunkBytes) {
    if (tableRows == null || tableBytes == null) {
      return chunkSize;
    }
    long fit = (long) (maxChunkBytes / ((double) tableBytes / tableRows));
    return (int) Math.max(1, Math.min(chunkSize, fit));
  }

  /**
   * For a whole-number key: costs the key's ends (two index probes) and the row count the planner's
   * statistics hold, or a count where there are none or a filter applies, instead of a sort of every key.
   */
  private static List<KeyRange> byArithmetic(Side source, SideTable table, int chunkSize, Long estimatedRows) throws SQLException {
    String query = estimatedRows != null ? source.sql().keyEndsQuery(table) : source.sql().keyEndsAndCountQuery(table);
    try (PreparedStatement statement = source.connection().prepareStatement(query); ResultSet result = statement.executeQuery()) {
      result.next();
      if (result.getBigDecimal(1) == null) {
        return List.of(KeyRange.ALL);
      }
      return slices(result.getBigDecimal(1).toBigInteger(), result.getBigDecimal(2).toBigInteger(),
          estimatedRows != null ? estimatedRows : result.getLong(3), chunkSize);
    }
  }

  /**
   * Equal slices of a whole-number key's span from {@code min} to {@code max}, as many as {@code rows} rows
   * in chunks of {@code chunkSize} ask for; uneven where the keys are uneven. Every slice is bounded on both
   * sides, so that it can be bucketed by slices of its own; two more ranges, before the source's first key and
   * past its last, hold the keys only the destination may have.
   */
  static List<KeyRange> slices(BigInteger min, BigInteger max, long rows, int chunkSize) {
    long parts = Math.max(1, (rows + chunkSize - 1) / chunkSize);
    BigInteger span = max.subtract(min).add(BigInteger.ONE);
    BigInteger width = span.add(BigInteger.valueOf(parts - 1)).divide(BigInteger.valueOf(parts));
    List<List<String>> boundaries = new ArrayList<>();
    boundaries.add(List.of(min.toString()));
    for (long i = 1; i < parts; i++) {
      BigInteger bound = min.add(width.multiply(BigInteger.valueOf(i)));
      if (bound.compareTo(max) > 0) {
        break;
      }
      boundaries.add(List.of(bound.toString()));
    }
    boundaries.add(List.of(max.add(BigInteger.ONE).toString()));
    return KeyRange.ALL.splitAt(boundaries);
  }

  /** Keys at every {@code step}-th row of the range in key order, excluding the first row. */
  private static List<List<String>> boundaries(Side side, SideTable table, KeyRange range, long step) throws SQLException {
    List<Object> binds = new ArrayList<>(ChunkSql.rangeBinds(table, range));
    binds.add(step);
    int keyCount = table.keyCount();
    List<List<String>> keys = new ArrayList<>();
    try (PreparedStatement statement = side.connection().prepareStatement(side.sql().boundariesQuery(table, range))) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(1000);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 1; i <= keyCount; i++) {
            values.add(rows.getString(i));
          }
          keys.add(values);
        }
      }
    }
    return keys;
  }
}
