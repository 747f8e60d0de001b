package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A comparison's inputs: every shape and range checked, and a refusal names the input and the reason. */
class ComparisonInputsTest {

  private final ComparisonInputs inputs = new ComparisonInputs(targets(), new ObjectMapper(), properties(5));

  @Test
  void shouldReadTablesGivenAsNamesObjectsJsonTextOrBytes() {
    ComparisonRequest names = inputs.parse(Map.of("source", " pg ", "destination", "ora", "tables", "Shop.Items,\n shop.lines"));
    assertThat(names.source()).isEqualTo("pg");
    assertThat(names.tables()).extracting(TableSpec::name).containsExactly("shop.items", "shop.lines");
    assertThat(names.chunkSize()).isEqualTo(ComparisonInputs.DEFAULT_CHUNK_SIZE);
    assertThat(names.parallelism()).isEqualTo(2);
    assertThat(names.maxDifferences()).isEqualTo(20);

    String json = "[\"shop.a\", {\"name\": \"shop.b\", \"primaryKey\": [\"id\"], \"columns\": [\"name\"], \"where\": \"price > 10\","
        + " \"chunkSize\": 500}]";
    for (Object tables : List.of(json, json.getBytes(StandardCharsets.UTF_8))) {
      ComparisonRequest request = inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", tables, "chunkSize", "1000",
          "parallelism", 3, "maxReportedDifferences", 0L));
      TableSpec b = request.tables().get(1);
      assertThat(b).isEqualTo(new TableSpec("shop.b", List.of("id"), List.of("name"), "price > 10", 500));
      assertThat(request.tables().get(0)).isEqualTo(new TableSpec("shop.a", List.of(), List.of(), null, null));
      assertThat(request.chunkSize()).isEqualTo(1000);
      assertThat(request.parallelism()).isEqualTo(3);
      assertThat(request.maxDifferences()).isZero();
    }
  }

  @Test
  void shouldCompareATableWithAnotherNameOnTheDestinationCheckedAsAName() {
    ComparisonRequest request = inputs.parse(Map.of("source", "pg", "destination", "ora", "tables",
        List.of(Map.of("name", "shop.items", "destinationName", "Archive.Items_2025"), Map.of("name", "shop.lines", "destinationName", "SHOP.LINES"))));

    assertThat(request.tables().get(0).destinationName()).isEqualTo("archive.items_2025");
    assertThat(request.tables().get(0).nameOnDestination()).isEqualTo("archive.items_2025");
    assertThat(request.tables().get(1).destinationName()).as("the same name is no other name").isNull();
    assertThat(request.tables().get(1).nameOnDestination()).isEqualTo("shop.lines");
    assertThat(new TableSpec("a.b", null, null, null, null).nameOnDestination()).isEqualTo("a.b");

    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "destinationName", "items")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("destinationName of shop.items: table 'items' must be schema-qualified: schema.table");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "destinationName", "shop.\"x; drop table y\"")))))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("destinationName of shop.items: ");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "destinationName", List.of("a.b"))))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("destinationName of shop.items must be the table's name on the destination as schema.table, not a list");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "destinationName", "")))))
        .isInstanceOf(InvalidInputException.class).hasMessage("destinationName of shop.items: a table name is required");
  }

  @Test
  void shouldKeepTheFilterAsChecked() {
    ComparisonRequest request = inputs.parse(Map.of("source", "pg", "destination", "ora", "tables",
        List.of(Map.of("name", "shop.items", "where", "Price > 10 and name like 'p%'"))));

    assertThat(request.tables().get(0).where()).isEqualTo("(price > 10) AND (name LIKE 'p%')");
  }

  @Test
  void shouldRefuseAFilterNamingTheTable() {
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "where", "cast(pg_read_file('/etc/passwd') as int) = 1")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("shop.items: the WHERE filter may not call pg_read_file: the functions allowed on postgresql are "
            + "[abs, ceil, char_length, coalesce, date_trunc, floor, length, lower, ltrim, mod, nullif, round, rtrim, substr, substring, trim,"
            + " trunc, upper]");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "ora", "tables",
        List.of(Map.of("name", "shop.items", "where", "date_trunc('day', d) = d")))))
        .as("a filter runs on both sides").hasMessageStartingWith("shop.items: the WHERE filter may not call date_trunc");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables",
        List.of(Map.of("name", "shop.items", "where", 42))))).hasMessage("where of shop.items must be a condition as text, not 42");
  }

  @Test
  void shouldRefuseMoreTablesThanConfigured() {
    List<String> six = IntStream.range(0, 6).mapToObj(i -> "shop.t" + i).toList();
    assertThat(inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", six.subList(0, 5))).tables()).hasSize(5);
    for (Object tables : List.of(six, String.join(",", six), "[\"" + String.join("\",\"", six) + "\"]")) {
      assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", tables)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("tables: at most 5 tables in one comparison, not 6 (rebound.comparison.max-tables)");
    }
  }

  @Test
  void shouldRefuseLongListsOfColumns() {
    List<String> keys = IntStream.range(0, ComparisonInputs.MAX_KEY_COLUMNS + 1).mapToObj(i -> "k" + i).toList();
    List<String> columns = IntStream.range(0, ComparisonInputs.MAX_COLUMNS + 1).mapToObj(i -> "c" + i).toList();
    assertThat(inputs.parse(request(Map.of("name", "shop.t", "primaryKey", keys.subList(0, 32), "columns", columns.subList(0, 1000))))
        .tables().get(0).columns()).hasSize(1000);
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "primaryKey", keys))))
        .hasMessage("primaryKey of shop.t names 33 columns; at most 32");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "columns", columns))))
        .hasMessage("columns of shop.t names 1001 columns; at most 1000");
  }

  @Test
  void shouldRefuseNumbersThatDoNotFitInsteadOfWrappingThem() {
    for (Object tooLarge : List.of(4294967396L, new BigInteger("18446744073709551716"), 1e300, new BigDecimal("1E+999999999"),
        "4294967396", Long.MAX_VALUE)) {
      assertThatThrownBy(() -> inputs.parse(request("shop.t", "chunkSize", tooLarge))).as("%s", tooLarge)
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("chunkSize must be between 100 and 1000000, not ");
      assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "chunkSize", tooLarge)))).as("%s", tooLarge)
          .hasMessageStartingWith("chunkSize of shop.t must be between 100 and 1000000, not ");
    }
    for (Object notWhole : List.of(1500.5, "1e3", "12a", true, Double.NaN, Double.POSITIVE_INFINITY, List.of(1), new BigDecimal("100.5"))) {
      assertThatThrownBy(() -> inputs.parse(request("shop.t", "parallelism", notWhole))).as("%s", notWhole)
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("parallelism must be a whole number, not ");
    }
    assertThat(inputs.parse(request("shop.t", "chunkSize", 2000.0)).chunkSize()).isEqualTo(2000);
    assertThat(inputs.parse(request("shop.t", "chunkSize", new BigDecimal("2E+3"))).chunkSize()).isEqualTo(2000);
    assertThat(inputs.parse(request("shop.t", "chunkSize", (short) 300)).chunkSize()).isEqualTo(300);
    assertThat(inputs.parse(request("shop.t", "chunkSize", BigInteger.valueOf(100))).chunkSize()).isEqualTo(100);
    assertThat(inputs.parse(request("shop.t", "chunkSize", 1_000_000)).chunkSize()).isEqualTo(1_000_000);
    assertThat(inputs.parse(request("shop.t", "maxReportedDifferences", 0.0)).maxDifferences()).isZero();
    assertThat(inputs.parse(request("shop.t", "parallelism", " ")).parallelism()).isEqualTo(2);
    assertThat(inputs.parse(request("shop.t", "parallelism", "+16")).parallelism()).isEqualTo(16);
    assertThatThrownBy(() -> inputs.parse(request("shop.t", "chunkSize", 99))).hasMessageStartingWith("chunkSize must be between 100 and 1000000, not ");
    assertThatThrownBy(() -> inputs.parse(request("shop.t", "chunkSize", 1_000_001))).hasMessageStartingWith("chunkSize must be between 100 and 1000000, not ");
    assertThatThrownBy(() -> inputs.parse(request("shop.t", "parallelism", 0))).hasMessageStartingWith("parallelism must be between 1 and 16, not ");
    assertThatThrownBy(() -> inputs.parse(request("shop.t", "maxReportedDifferences", -1)))
        .hasMessageStartingWith("maxReportedDifferences must be between 0 and 10000, not ");
    assertThat(inputs.parse(request(Map.of("name", "shop.t", "chunkSize", "")))).extracting(r -> r.tables().get(0).chunkSize()).isNull();
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "chunkSize", 99)))).hasMessageStartingWith("chunkSize of shop.t must be between 100 and 1000000, not ");
  }

  @Test
  void shouldAnswerWrongShapesWithTheReason() {
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", List.of(123))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("tables[0] must be a table name or an object {name, destinationName, primaryKey, columns, where, chunkSize}, not 123");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", "[\"shop.a\", [1]]")))
        .hasMessageStartingWith("tables[1] must be a table name or an object").hasMessageEndingWith("not a list");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "wher", "id > 1"))))
        .hasMessage("tables[0]: unknown key 'wher'; accepted: [chunkSize, columns, destinationName, name, primaryKey, where]");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("primaryKey", List.of("id")))))
        .hasMessage("tables[0]: name must be the table's name as schema.table, not nothing");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", Map.of("a", 1)))))
        .hasMessage("tables[0]: name must be the table's name as schema.table, not an object");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "primaryKey", "id"))))
        .hasMessage("primaryKey of shop.t must be a list of column names, not 'id'");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "columns", List.of("a", 1)))))
        .hasMessage("columns of shop.t must be a list of column names, not a list");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", "[{\"name\": ")))
        .hasMessageStartingWith("tables is not a JSON list");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", 42)))
        .hasMessage("tables must be text or a list");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", List.of("pg"), "destination", "pg", "tables", "shop.t")))
        .hasMessage("source must be a target's name, not a list");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", "null".getBytes(StandardCharsets.UTF_8))))
        .hasMessage("tables: name at least one table, as schema.table");
    Map<String, Object> longName = new HashMap<>(Map.of("source", "pg", "destination", "pg", "tables", "shop.t"));
    longName.put("parallelism", "x".repeat(100));
    assertThatThrownBy(() -> inputs.parse(longName)).hasMessage("parallelism must be a whole number, not '" + "x".repeat(40) + "…'");
    longName.put("parallelism", "x".repeat(40));
    assertThatThrownBy(() -> inputs.parse(longName)).hasMessage("parallelism must be a whole number, not '" + "x".repeat(40) + "'");
  }

  @Test
  void shouldRefuseWhatTheDatabasesWouldNotName() {
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "nowhere", "tables", "shop.t")))
        .hasMessage("unknown destination target 'nowhere'; configured targets: [pg, ora]");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", "shop.t", "extra", 1)))
        .hasMessageStartingWith("unknown input 'extra'");
    assertThatThrownBy(() -> inputs.parse(Map.of("destination", "pg", "tables", "shop.t"))).hasMessage("source is required");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", " "))).hasMessageStartingWith("tables: name at least one");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "pg", "tables", "shop.t, SHOP.T")))
        .hasMessage("table SHOP.T is named twice");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "primaryKey", List.of("id;drop")))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("primary key column of shop.t");
    assertThatThrownBy(() -> inputs.parse(request(Map.of("name", "shop.t", "columns", List.of("a b")))))
        .hasMessageContaining("column of shop.t");
    assertThatThrownBy(() -> inputs.parse(Map.of("source", "pg", "destination", "ora", "tables", "shop._t")))
        .as("valid on both sides").hasMessageContaining("not a valid oracle identifier");
  }

  private static Map<String, Object> request(String table, String key, Object value) {
    Map<String, Object> variables = new HashMap<>(Map.of("source", "pg", "destination", "pg", "tables", table));
    variables.put(key, value);
    return variables;
  }

  private static Map<String, Object> request(Map<String, Object> table) {
    List<Object> tables = new ArrayList<>(Collections.singletonList(table));
    return Map.of("source", "pg", "destination", "pg", "tables", tables);
  }

  static ComparisonProperties properties(int maxTables) {
    return new ComparisonProperties(DataSize.ofMegabytes(256), Duration.ofMinutes(4), Duration.ofSeconds(10), maxTables);
  }

  private static Targets targets() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("work"),
        new ReboundProperties.Steps("R3/PT30S", Duration.ofHours(24), Duration.ofSeconds(5))));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/db", "postgres", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//h:1521/XEPDB1", "system", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    return targets;
  }
}
