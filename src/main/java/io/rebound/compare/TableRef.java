package io.rebound.compare;

import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;

/** A schema-qualified table, validated and in the dialect's canonical case. */
public record TableRef(String schema, String table) {

  public static TableRef parse(Dialect dialect, String qualified) {
    if (qualified == null || qualified.isBlank()) {
      throw new InvalidInputException("a table name is required");
    }
    String[] parts = qualified.strip().split("\\.", -1);
    if (parts.length != 2) {
      throw new InvalidInputException("table '" + qualified + "' must be schema-qualified: schema.table");
    }
    return new TableRef(Identifiers.canonical(dialect, parts[0], "schema"), Identifiers.canonical(dialect, parts[1], "table"));
  }

  /** The quoted, qualified name for SQL. */
  public String sql() {
    return Identifiers.quote(schema) + "." + Identifiers.quote(table);
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
