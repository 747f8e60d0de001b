package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.*;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.runbook.Inputs;
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
 * a JSON list of tables with keys, columns and filters. Every value is checked for its shape and range
 * before anything starts: a refusal names the input and why.
 */
@Component
public class ComparisonInputs {

  /**
   * Rows per chunk unless the request says otherwise: a chunk costs a few round trips and a commit besides its
   * scan, and at 250 000 rows that is a tenth of it; a chunk is still well under a second of work to resume from.
   */
  static final int DEFAULT_CHUNK_SIZE = 250_000;

  static final Set<String> ACCEPTED = Set.of(SOURCE, DESTINATION, TABLES, CHUNK_SIZE, PARALLELISM, MAX_DIFFERENCES, RETRY_OF);

  /** The keys of a table given as an object. */
  static final Set<String> TABLE_KEYS = Set.of("name", "destinationName", "primaryKey", "columns", "where", "chunkSize");

  /** Both databases allow at most 32 columns in a primary key. */
  static final int MAX_KEY_COLUMNS = 32;

  /** Oracle's most columns in a table (PostgreSQL's is 1600, but a comparison runs on both). */
  static final int MAX_COLUMNS = 1000;


  private final Targets targets;
  private final ObjectMapper json;
  private final ComparisonProperties properties;

  public ComparisonInputs(Targets targets, ObjectMapper json, ComparisonProperties properties) {
    this.targets = targets;
    this.json = json;
    this.properties = properties;
  }

  public ComparisonRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, ACCEPTED);
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
      String destinationName = null;
      if (table.destinationName() == null) {
        TableRef.parse(destinationDialect, table.name());
      } else {
        TableRef destinationTable;
        try {
          destinationTable = TableRef.parse(destinationDialect, table.destinationName());
        } catch (InvalidInputException e) {
          throw new InvalidInputException("destinationName of " + table.name() + ": " + e.getMessage());
        }
        destinationName = destinationTable.schema().toLowerCase(Locale.ROOT) + "." + destinationTable.table().toLowerCase(Locale.ROOT);
      }
      String name = sourceTable.schema().toLowerCase(Locale.ROOT) + "." + sourceTable.table().toLowerCase(Locale.ROOT);
      if (!seen.add(name)) {
        throw new InvalidInputException("table " + table.name() + " is named twice");
      }
      table.primaryKey().forEach(c -> Identifiers.canonical(sourceDialect, c, "primary key column of " + table.name()));
      table.columns().forEach(c -> Identifiers.canonical(sourceDialect, c, "column of " + table.name()));
      String where;
      try {
        where = WhereFilter.validate(table.where(), sourceDialect, destinationDialect);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(table.name() + ": " + e.getMessage());
      }
      // The same name on the destination is no other name: kept as one, so results show only real renames.
      checked.add(new TableSpec(name, table.primaryKey(), table.columns(), where, table.chunkSize(),
          name.equals(destinationName) ? null : destinationName));
    }
    // Hashing makes a chunk cheap to compare whole: large chunks keep the per-job cost small, and differing
    // chunks are split further anyway.
    int chunkSize = number(variables.get(CHUNK_SIZE), DEFAULT_CHUNK_SIZE, 100, 1_000_000, "chunkSize");
    int parallelism = number(variables.get(PARALLELISM), 2, 1, 16, "parallelism");
    int maxDifferences = number(variables.get(MAX_DIFFERENCES), 20, 0, 10_000, "maxReportedDifferences");
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
      within(items.size());
      List<TableSpec> specs = new ArrayList<>();
      int index = 0;
      for (Object item : items) {
        specs.add(table(item, "tables[" + index++ + "]"));
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
    List<String> names = Arrays.stream(trimmed.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    within(names.size());
    return names.stream().map(name -> new TableSpec(name, null, null, null, null)).toList();
  }

  private void within(int count) {
    if (count > properties.maxTables()) {
      throw new InvalidInputException("tables: at most " + properties.maxTables() + " tables in one comparison, not " + count
          + " (rebound.comparison.max-tables)");
    }
  }

  private List<TableSpec> specs(String text) {
    List<Object> items;
    try {
      items = json.readValue(text, new TypeReference<List<Object>>() {});
    } catch (IOException e) {
      throw new InvalidInputException("tables is not a JSON list of table names or {name, destinationName, primaryKey, columns, where, chunkSize}");
    }
    return tables(items == null ? List.of() : items);
  }

  /** One table: its name, or an object with the keys of {@link #TABLE_KEYS}, each of its own shape. */
  private static TableSpec table(Object item, String what) {
    if (item instanceof String name) {
      return new TableSpec(name, null, null, null, null);
    }
    if (!(item instanceof Map<?, ?> fields)) {
      throw new InvalidInputException(what + " must be a table name or an object {name, destinationName, primaryKey, columns, where, chunkSize}, not "
          + shape(item));
    }
    for (Object key : fields.keySet()) {
      if (!TABLE_KEYS.contains(String.valueOf(key))) {
        throw new InvalidInputException(what + ": unknown key '" + key + "'; accepted: " + TABLE_KEYS.stream().sorted().toList());
      }
    }
    if (!(fields.get("name") instanceof String name)) {
      throw new InvalidInputException(what + ": name must be the table's name as schema.table, not " + shape(fields.get("name")));
    }
    List<String> primaryKey = names(fields.get("primaryKey"), MAX_KEY_COLUMNS, "primaryKey of " + name);
    List<String> columns = names(fields.get("columns"), MAX_COLUMNS, "columns of " + name);
    Object where = fields.get("where");
    if (where != null && !(where instanceof String)) {
      throw new InvalidInputException("where of " + name + " must be a condition as text, not " + shape(where));
    }
    Integer chunkSize = number(fields.get("chunkSize"), null, 100, 1_000_000, "chunkSize of " + name);
    Object destinationName = fields.get("destinationName");
    if (destinationName != null && !(destinationName instanceof String)) {
      throw new InvalidInputException("destinationName of " + name + " must be the table's name on the destination as schema.table, not "
          + shape(destinationName));
    }
    return new TableSpec(name, primaryKey, columns, (String) where, chunkSize, (String) destinationName);
  }

  /** A list of column names, at most {@code max} of them. */
  private static List<String> names(Object value, int max, String what) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof Collection<?> items) || items.stream().anyMatch(item -> !(item instanceof String))) {
      throw new InvalidInputException(what + " must be a list of column names, not " + shape(value));
    }
    if (items.size() > max) {
      throw new InvalidInputException(what + " names " + items.size() + " columns; at most " + max);
    }
    return items.stream().map(String.class::cast).toList();
  }

  private Dialect dialect(String target, String what) {
    return targets.find(target).orElseThrow(() -> new InvalidInputException("unknown " + what + " target '" + target
        + "'; configured targets: " + targets.names())).dialect();
  }

  private static String text(Object value, String what) {
    if (value == null || value.toString().isBlank()) {
      throw new InvalidInputException(what + " is required");
    }
    if (!(value instanceof String text)) {
      throw new InvalidInputException(what + " must be a target's name, not " + shape(value));
    }
    return text.strip();
  }

  static Integer number(Object value, Integer defaultValue, int min, int max, String what) {
    return Inputs.wholeNumber(value, defaultValue, min, max, what);
  }

  private static String shape(Object value) {
    return Inputs.shape(value);
  }

}
