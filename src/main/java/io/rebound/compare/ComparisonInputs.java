package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.*;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import io.rebound.target.Targets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Reads and validates a comparison's inputs from any way in: Tasklist sends table names as text, the API
 * a JSON list of tables with keys, columns and filters.
 */
@Component
public class ComparisonInputs {

  /**
   * Rows per chunk unless the request says otherwise: a chunk costs a few round trips and a commit besides its
   * scan, and at 250 000 rows that is a tenth of it; a chunk is still well under a second of work to resume from.
   */
  static final int DEFAULT_CHUNK_SIZE = 250_000;

  static final Set<String> ACCEPTED = Set.of(SOURCE, DESTINATION, TABLES, CHUNK_SIZE, PARALLELISM, MAX_DIFFERENCES, RETRY_OF);

  private final Targets targets;
  private final ObjectMapper json;

  public ComparisonInputs(Targets targets, ObjectMapper json) {
    this.targets = targets;
    this.json = json;
  }

  public ComparisonRequest parse(Map<String, ?> variables) {
    for (String name : variables.keySet()) {
      if (!ACCEPTED.contains(name)) {
        throw new InvalidInputException("unknown input '" + name + "'; accepted: " + ACCEPTED.stream().sorted().toList());
      }
    }
    String source = text(variables.get(SOURCE), "source");
    String destination = text(variables.get(DESTINATION), "destination");
    Dialect sourceDialect = dialect(source, "source");
    Dialect destinationDialect = dialect(destination, "destination");
    List<TableSpec> tables = tables(variables.get(TABLES));
    if (tables.isEmpty()) {
      throw new InvalidInputException("tables: name at least one table, as schema.table");
    }
    Set<String> seen = new HashSet<>();
    List<TableSpec> checked = new ArrayList<>();
    for (TableSpec table : tables) {
      TableRef sourceTable = TableRef.parse(sourceDialect, table.name());
      TableRef.parse(destinationDialect, table.name());
      String name = sourceTable.schema().toLowerCase(Locale.ROOT) + "." + sourceTable.table().toLowerCase(Locale.ROOT);
      if (!seen.add(name)) {
        throw new InvalidInputException("table " + table.name() + " is named twice");
      }
      table.primaryKey().forEach(c -> Identifiers.canonical(sourceDialect, c, "primary key column of " + table.name()));
      table.columns().forEach(c -> Identifiers.canonical(sourceDialect, c, "column of " + table.name()));
      if (table.chunkSize() != null) {
        range(table.chunkSize(), 100, 1_000_000, "chunkSize of " + table.name());
      }
      String where;
      try {
        where = WhereFilter.validate(table.where(), sourceDialect, destinationDialect);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(table.name() + ": " + e.getMessage());
      }
      checked.add(new TableSpec(name, table.primaryKey(), table.columns(), where, table.chunkSize()));
    }
    // Hashing makes a chunk cheap to compare whole: large chunks keep the per-job cost small, and differing
    // chunks are split further anyway.
    int chunkSize = range(number(variables.get(CHUNK_SIZE), DEFAULT_CHUNK_SIZE, "chunkSize"), 100, 1_000_000, "chunkSize");
    int parallelism = range(number(variables.get(PARALLELISM), 2, "parallelism"), 1, 16, "parallelism");
    int maxDifferences = range(number(variables.get(MAX_DIFFERENCES), 20, "maxReportedDifferences"), 0, 10_000, "maxReportedDifferences");
    return new ComparisonRequest(source, destination, checked, chunkSize, parallelism, maxDifferences);
  }

  /** Tables as names ("a.b, c.d"), a JSON list of table objects (as text or bytes), or a list of names or maps. */
  private List<TableSpec> tables(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof byte[] bytes) {
      return specs(new String(bytes, StandardCharsets.UTF_8));
    }
    if (value instanceof Collection<?> items) {
      List<TableSpec> specs = new ArrayList<>();
      for (Object item : items) {
        specs.add(item instanceof String name ? new TableSpec(name, null, null, null, null) : json.convertValue(item, TableSpec.class));
      }
      return specs;
    }
    if (!(value instanceof String text)) {
      throw new InvalidInputException("tables must be text or a list");
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("[")) {
      return specs(trimmed);
    }
    return Arrays.stream(trimmed.split("[,\\s]+")).filter(s -> !s.isEmpty()).map(name -> new TableSpec(name, null, null, null, null)).toList();
  }

  private List<TableSpec> specs(String text) {
    try {
      List<Object> items = json.readValue(text, new TypeReference<List<Object>>() {});
      return tables(items);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidInputException("tables is not a JSON list of table names or {name, primaryKey, columns, where, chunkSize}");
    }
  }

  private Dialect dialect(String target, String what) {
    return targets.find(target).orElseThrow(() -> new InvalidInputException("unknown " + what + " target '" + target
        + "'; configured targets: " + targets.names())).dialect();
  }

  private static String text(Object value, String what) {
    if (value == null || value.toString().isBlank()) {
      throw new InvalidInputException(what + " is required");
    }
    return value.toString().strip();
  }

  private static int number(Object value, int defaultValue, String what) {
    if (value == null || value.toString().isBlank()) {
      return defaultValue;
    }
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(value.toString().strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " must be a whole number");
    }
  }

  private static int range(int value, int min, int max, String what) {
    if (value < min || value > max) {
      throw new InvalidInputException(what + " must be between " + min + " and " + max);
    }
    return value;
  }
}
