package io.rebound.compare;

import io.rebound.compare.CompareSql.TypedValue;
import java.util.List;

/**
 * A table ready to compare: the same columns, in the same order, on both sides, the key first.
 *
 * @param keyCount how many of the leading columns are the primary key
 * @param sourceWhere the user's filter as the source runs it (its columns by their names there), or null
 * @param destinationWhere the same filter as the destination runs it
 * @param bucketByModulo the key is one whole-number column on both sides: rows are bucketed by {@code MOD(key, n)}
 *     instead of by a hash of the key
 * @param sourceTyped when both sides hash typed values ({@link CompareSql#typedValue}), the source's columns as
 *     such values; empty when rows are hashed as text with MD5
 * @param destinationTyped the same for the destination
 * @param widths per column, the most bytes its normalised text can take on either side ({@link RowText#widths})
 * @param ownKeyOrder text key columns sort the same way on both sides in their own collation: ranges compare
 *     keys in it, and so can use the primary key's index; otherwise they compare in byte order
 */
public record PreparedTable(TableRef source, TableRef destination, List<Column> sourceColumns, List<Column> destinationColumns,
    int keyCount, String sourceWhere, String destinationWhere, boolean bucketByModulo, List<TypedValue> sourceTyped, List<TypedValue> destinationTyped, List<Integer> widths,
    boolean ownKeyOrder) {

  public PreparedTable {
    sourceColumns = List.copyOf(sourceColumns);
    destinationColumns = List.copyOf(destinationColumns);
    sourceTyped = List.copyOf(sourceTyped);
    destinationTyped = List.copyOf(destinationTyped);
    widths = List.copyOf(widths);
  }

  /** Rows are hashed as typed values, 64 bits, rather than as text with MD5. */
  public boolean typedHash() {
    return !sourceTyped.isEmpty();
  }

  SideTable onSource(CompareSql sql) {
    return new SideTable(sql, source, sourceColumns, keyCount, sourceTyped, bucketByModulo, sourceWhere, widths, ownKeyOrder);
  }

  SideTable onDestination(CompareSql sql) {
    return new SideTable(sql, destination, destinationColumns, keyCount, destinationTyped, bucketByModulo, destinationWhere, widths,
        ownKeyOrder);
  }

  /** One side's table as its queries are built. */
  record SideTable(CompareSql sql, TableRef table, List<Column> columns, int keyCount, List<TypedValue> typed, boolean byModulo, String where,
      List<Integer> widths, boolean ownKeyOrder) {

    List<Column> key() {
      return columns.subList(0, keyCount);
    }

    boolean typedHash() {
      return !typed.isEmpty();
    }

    /** The row's normalised text, for MD5. */
    String rowText() {
      return RowText.of(sql, columns, widths);
    }

    /** The key's normalised text, for MD5. */
    String keyText() {
      return RowText.of(sql, key(), widths.subList(0, keyCount));
    }
  }
}
