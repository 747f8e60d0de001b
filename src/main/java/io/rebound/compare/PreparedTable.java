package io.rebound.compare;

import java.util.List;

/**
 * A table ready to compare: the same columns, in the same order, on both sides, the key first.
 *
 * @param keyCount how many of the leading columns are the primary key
 * @param bucketByModulo the key is one whole-number column on both sides: rows are bucketed by {@code MOD(key, n)}
 *     instead of by a hash of the key
 * @param nativeHash both sides are PostgreSQL: rows are hashed with {@code hashtextextended} (64 bits, several
 *     times cheaper than MD5) instead of the MD5 every dialect has
 */
public record PreparedTable(TableRef source, TableRef destination, List<Column> sourceColumns, List<Column> destinationColumns,
    int keyCount, String where, boolean bucketByModulo, boolean nativeHash) {

  public PreparedTable {
    sourceColumns = List.copyOf(sourceColumns);
    destinationColumns = List.copyOf(destinationColumns);
  }

  List<Column> sourceKey() {
    return sourceColumns.subList(0, keyCount);
  }

  List<Column> destinationKey() {
    return destinationColumns.subList(0, keyCount);
  }
}
