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
 * @param destinationName {@code schema.table} on the destination when it is not {@code name} there (a table
 *     restored under another name, a copy beside the original); null for the same name
 */
public record TableSpec(String name, List<String> primaryKey, List<String> columns, String where, Integer chunkSize,
    String destinationName) {

  public TableSpec {
    primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  /** A table of the same name on both sides. */
  public TableSpec(String name, List<String> primaryKey, List<String> columns, String where, Integer chunkSize) {
    this(name, primaryKey, columns, where, chunkSize, null);
  }

  /** The table's name on the destination. */
  public String nameOnDestination() {
    return destinationName == null ? name : destinationName;
  }
}
