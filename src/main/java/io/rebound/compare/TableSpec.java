package io.rebound.compare;

import java.util.List;

/**
 * One table to compare, as requested.
 *
 * @param name {@code schema.table}, the same on both sides
 * @param primaryKey key columns; discovered from the source when empty
 * @param columns columns to compare; all of the source's when empty
 * @param where an optional filter applied on both sides (validated, run read-only)
 * @param chunkSize rows per chunk; the comparison's default when null
 */
public record TableSpec(String name, List<String> primaryKey, List<String> columns, String where, Integer chunkSize) {

  public TableSpec {
    primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    columns = columns == null ? List.of() : List.copyOf(columns);
  }
}
