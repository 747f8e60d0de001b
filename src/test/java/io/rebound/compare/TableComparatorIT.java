package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.compare.TableComparator.Options;
import io.rebound.compare.TableComparator.Side;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Jdbc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Comparisons between two real PostgreSQL servers, with differences made at known keys, rows hashed as
 * typed values ({@link TableComparatorMd5IT} runs the same with MD5, as when Oracle is on one side).
 */
class TableComparatorIT {

  static EmbeddedPostgres sourceServer;
  static EmbeddedPostgres destinationServer;
  static final TableComparator comparator = TableComparator.withOwnThreads();
  final CompareSql sql = sql();
  static final Options SMALL_DRILL = new Options(64, 1000);
  static final long NO_BYTE_LIMIT = Long.MAX_VALUE;

  Connection source;
  Connection destination;

  /** The SQL both sides use. */
  CompareSql sql() {
    return new PostgresCompareSql();
  }

  /** Whether this way of hashing takes '' for NULL, as it must where Oracle is a side. */
  boolean emptyTextIsNull() {
    return false;
  }

  @BeforeAll
  static void startServers() throws Exception {
    sourceServer = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    destinationServer = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    sourceServer.close();
    destinationServer.close();
  }

  @BeforeEach
  void connect() throws SQLException {
    source = sourceServer.getPostgresDatabase().getConnection();
    destination = destinationServer.getPostgresDatabase().getConnection();
    for (Connection connection : List.of(source, destination)) {
      run(connection, "DROP SCHEMA IF EXISTS shop CASCADE", "CREATE SCHEMA shop");
    }
  }

  @AfterEach
  void disconnect() throws SQLException {
    source.close();
    destination.close();
  }

  @Test
  void shouldFindIdenticalTablesIdenticalReadingOnlyHashes() throws Exception {
    createItems(source, 10_000);
    createItems(destination, 10_000);

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 1000), Options.DEFAULT);

    assertThat(result.identical()).isTrue();
    assertThat(result.sourceRows()).isEqualTo(10_000);
    assertThat(result.destinationRows()).isEqualTo(10_000);
    assertThat(result.rowsFetched()).isZero();
    assertThat(result.chunksHashed()).as("ten of 1000 rows, and the empty ranges before and past the source's keys").isEqualTo(12);
  }

  @Test
  void shouldReportExactlyTheRowsDeletedInsertedAndChanged() throws Exception {
    createItems(source, 10_000);
    createItems(destination, 10_000);
    run(destination,
        "DELETE FROM shop.items WHERE id IN (5, 500, 9999)",
        "INSERT INTO shop.items (id, name, price, note, created) VALUES (20001, 'new', 1, NULL, now()), (20002, 'new', 2, NULL, now())",
        "UPDATE shop.items SET price = price + 0.01 WHERE id = 7",
        "UPDATE shop.items SET name = 'renamed' WHERE id = 8000",
        "UPDATE shop.items SET note = 'was null' WHERE id = 42",
        "UPDATE shop.items SET created = created + interval '1 microsecond' WHERE id = 4321");

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 1000), SMALL_DRILL);

    assertThat(result.missingInDestinationKeys()).containsExactlyInAnyOrder("5", "500", "9999");
    assertThat(result.missingInSourceKeys()).containsExactlyInAnyOrder("20001", "20002");
    assertThat(result.differentKeys()).containsExactlyInAnyOrder("7", "8000", "42", "4321");
    assertThat(result.missingInDestination()).isEqualTo(3);
    assertThat(result.missingInSource()).isEqualTo(2);
    assertThat(result.different()).isEqualTo(4);
    assertThat(result.destinationRows()).isEqualTo(9_999);

    ChunkResult batched = compareInBatches(new TableSpec("shop.items", List.of(), List.of(), null, 1000), SMALL_DRILL, 4);
    assertThat(batched.missingInDestinationKeys()).as("each side hashing four chunks on its own").containsExactlyInAnyOrder("5", "500", "9999");
    assertThat(batched.missingInSourceKeys()).containsExactlyInAnyOrder("20001", "20002");
    assertThat(batched.differentKeys()).containsExactlyInAnyOrder("7", "8000", "42", "4321");
    assertThat(batched.sourceRows()).isEqualTo(10_000);
    assertThat(batched.chunksHashed()).isEqualTo(result.chunksHashed());
  }

  @Test
  void shouldNameTheColumnsThatDifferInSampledRowsWithBothValues() throws Exception {
    createItems(source, 3_000);
    createItems(destination, 3_000);
    run(destination, "UPDATE shop.items SET price = 99.5, name = 'renamed' WHERE id = 7",
        "UPDATE shop.items SET note = NULL WHERE id = 2500",
        "UPDATE shop.items SET created = created + interval '1 second' WHERE id = 1200");

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 1000), SMALL_DRILL);

    assertThat(result.differentRows()).extracting(RowDifferences.Row::key).containsExactlyInAnyOrder("7", "2500", "1200");
    assertThat(row(result, "7").columns()).containsExactly(
        new RowDifferences.ColumnValues("name", "item 7", "renamed", false),
        new RowDifferences.ColumnValues("price", "0.7", "99.5", false));
    assertThat(row(result, "2500").columns()).containsExactly(new RowDifferences.ColumnValues("note", "n2500", null, false));
    assertThat(row(result, "1200").columns()).singleElement().satisfies(c -> {
      assertThat(c.column()).isEqualTo("created");
      assertThat(c.source()).isEqualTo("2026-01-01T20:00:00.000000");
      assertThat(c.destination()).isEqualTo("2026-01-01T20:00:01.000000");
    });

    ChunkResult capped = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 1000), new Options(64, 2));
    assertThat(capped.differentRows()).as("no more rows than sample keys").hasSize(2);
    assertThat(capped.differentKeys()).hasSize(2);
  }

  @Test
  void shouldNameSecretColumnsThatDifferButWithholdTheirValues() throws Exception {
    for (Connection connection : List.of(source, destination)) {
      run(connection, "CREATE TABLE shop.accounts (id int PRIMARY KEY, login text, password_hash text, pin text, note text)",
          "INSERT INTO shop.accounts SELECT i, 'user' || i, 'hash' || i, '0000', 'plain' FROM generate_series(1, 50) i");
    }
    run(destination, "UPDATE shop.accounts SET login = 'someone', password_hash = 'changed', pin = '1234' WHERE id = 3",
        "UPDATE shop.accounts SET note = 'set to hunter22 by mistake' WHERE id = 4");
    Options withholding = new Options(64, 1000, 1000, RowDifferences.Withholding.of(List.of("shop\\.accounts\\.pin"),
        text -> text.replace("hunter22", "***")));

    ChunkResult result = compareAll(new TableSpec("shop.accounts", List.of(), List.of(), null, 100), withholding);

    assertThat(row(result, "3").columns()).containsExactly(
        new RowDifferences.ColumnValues("login", "user3", "someone", false),
        new RowDifferences.ColumnValues("password_hash", null, null, true),
        new RowDifferences.ColumnValues("pin", null, null, true));
    assertThat(row(result, "4").columns()).as("a value the redactor would hide")
        .containsExactly(new RowDifferences.ColumnValues("note", null, null, true));
    assertThat(result.toString()).doesNotContain("hunter22", "changed", "1234", "hash3");
  }

  @Test
  void shouldCompareATableWithAnotherOfAnotherNameOnTheDestination() throws Exception {
    createItems(source, 500);
    createItems(destination, 500);
    run(destination, "CREATE SCHEMA archive", "ALTER TABLE shop.items SET SCHEMA archive", "ALTER TABLE archive.items RENAME TO items_2025",
        "DELETE FROM archive.items_2025 WHERE id = 9");

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 100, "archive.items_2025"), SMALL_DRILL);

    assertThat(result.sourceRows()).isEqualTo(500);
    assertThat(result.destinationRows()).isEqualTo(499);
    assertThat(result.missingInDestinationKeys()).containsExactly("9");
    assertThat(result.different()).isZero();
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 100, "archive.nothing"), SMALL_DRILL))
        .hasMessageContaining("archive.nothing");
  }

  private static RowDifferences.Row row(ChunkResult result, String key) {
    return result.differentRows().stream().filter(r -> r.key().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + key + " in " + result.differentRows()));
  }

  @Test
  void shouldCompareCompositeKeys() throws Exception {
    for (Connection connection : List.of(source, destination)) {
      run(connection, "CREATE TABLE shop.lines (order_id int, line_no int, qty int, PRIMARY KEY (order_id, line_no))",
          "INSERT INTO shop.lines SELECT o, l, o * l FROM generate_series(1, 300) o, generate_series(1, 10) l");
    }
    run(destination, "DELETE FROM shop.lines WHERE order_id = 17 AND line_no = 3",
        "UPDATE shop.lines SET qty = -1 WHERE order_id = 250 AND line_no = 10",
        "INSERT INTO shop.lines VALUES (17, 11, 0)");

    ChunkResult result = compareAll(new TableSpec("shop.lines", List.of(), List.of(), null, 500), SMALL_DRILL);

    assertThat(result.missingInDestinationKeys()).containsExactly("(17, 3)");
    assertThat(result.differentKeys()).containsExactly("(250, 10)");
    assertThat(result.missingInSourceKeys()).containsExactly("(17, 11)");
  }

  @Test
  void shouldCompareTextKeysInTheSameOrderOnBothSides() throws Exception {
    for (Connection connection : List.of(source, destination)) {
      run(connection, "CREATE TABLE shop.codes (code varchar(20) PRIMARY KEY, label text)",
          "INSERT INTO shop.codes SELECT 'code-' || i, 'label ' || i FROM generate_series(1, 3000) i",
          "INSERT INTO shop.codes VALUES ('Zeta', 'upper'), ('alpha', 'lower'), ('Ärger', 'umlaut'), ('émile', 'accent')");
    }
    run(destination, "UPDATE shop.codes SET label = 'changed' WHERE code IN ('Ärger', 'code-1999')", "DELETE FROM shop.codes WHERE code = 'alpha'");

    ChunkResult result = compareAll(new TableSpec("shop.codes", List.of(), List.of(), null, 700), SMALL_DRILL);

    assertThat(result.differentKeys()).containsExactlyInAnyOrder("Ärger", "code-1999");
    assertThat(result.missingInDestinationKeys()).containsExactly("alpha");
    assertThat(result.missingInSource()).isZero();
  }

  @Test
  void shouldRangeTextKeysInTheCollationBothSidesShareSoThatTheIndexServes() throws Exception {
    assumeTrue(hasCollation(source, "C.utf8") && hasCollation(destination, "C.utf8"), "no C.utf8 collation on these servers");
    for (Connection connection : List.of(source, destination)) {
      run(connection, "CREATE TABLE shop.tags (tag varchar(20) COLLATE \"C.utf8\" PRIMARY KEY, label text)",
          "INSERT INTO shop.tags SELECT 'tag-' || i, 'label ' || i FROM generate_series(1, 3000) i",
          "INSERT INTO shop.tags VALUES ('Zeta', 'upper'), ('alpha', 'lower'), ('Ärger', 'umlaut')");
    }
    run(destination, "UPDATE shop.tags SET label = 'changed' WHERE tag IN ('Ärger', 'tag-2999')", "DELETE FROM shop.tags WHERE tag = 'Zeta'");
    TableSpec spec = new TableSpec("shop.tags", List.of(), List.of(), null, 500);

    ChunkResult result = compareAll(spec, SMALL_DRILL);

    assertThat(result.differentKeys()).containsExactlyInAnyOrder("Ärger", "tag-2999");
    assertThat(result.missingInDestinationKeys()).containsExactly("Zeta");
    sql.beginReadOnly(source, SessionLimits.DEFAULT);
    sql.beginReadOnly(destination, SessionLimits.DEFAULT);
    try {
      PreparedTable table = comparator.prepare(new Side(source, sql), new Side(destination, sql), spec);
      assertThat(table.ownKeyOrder()).isTrue();
      KeyRange range = new KeyRange(List.of("tag-1"), List.of("tag-2"));
      run(source, "SET LOCAL enable_seqscan = off");
      List<String> plan = Jdbc.queryStrings(source, "EXPLAIN " + sql.hashQuery(table.onSource(sql), 0, range),
          ChunkSql.rangeBinds(range).toArray());
      assertThat(String.join("\n", plan)).as("the range is read through the primary key").contains("Index");
    } finally {
      source.rollback();
      destination.rollback();
      source.setAutoCommit(true);
      destination.setAutoCommit(true);
    }

    run(destination, "ALTER TABLE shop.tags ALTER COLUMN tag TYPE varchar(20) COLLATE \"C\"");
    assertThat(compareAll(spec, SMALL_DRILL).missingInDestinationKeys()).as("in byte order when the collations differ").containsExactly("Zeta");
  }

  @Test
  void shouldIgnoreNumericScaleAndCharPaddingAndTellEmptyTextAsItsDialectsDo() throws Exception {
    run(source, "CREATE TABLE shop.prices (id int PRIMARY KEY, price numeric(10,2), note varchar(10), code char(6))",
        "INSERT INTO shop.prices VALUES (1, 1.50, NULL, 'ab'), (2, 10, 'x', 'cd'), (3, NULL, NULL, NULL)");
    run(destination, "CREATE TABLE shop.prices (id bigint PRIMARY KEY, price numeric(12,4), note text, code char(10))",
        "INSERT INTO shop.prices VALUES (1, 1.5000, '', 'ab'), (2, 10.0, 'x', 'cd  '), (3, NULL, '', NULL)");

    ChunkResult result = compareAll(new TableSpec("shop.prices", List.of(), List.of(), null, 10), Options.DEFAULT);

    if (emptyTextIsNull()) {
      assertThat(result.identical()).as("NULL = '' as on Oracle, 1.50 = 1.5000, CHAR padding ignored").isTrue();
    } else {
      assertThat(result.differentKeys()).as("'' and NULL differ between PostgreSQL servers").containsExactlyInAnyOrder("1", "3");
    }
    run(destination, "UPDATE shop.prices SET note = NULL WHERE note = ''");
    assertThat(compareAll(new TableSpec("shop.prices", List.of(), List.of(), null, 10), Options.DEFAULT).identical())
        .as("1.50 = 1.5000, CHAR padding ignored").isTrue();

    run(destination, "UPDATE shop.prices SET price = NULL WHERE id = 2");
    assertThat(compareAll(new TableSpec("shop.prices", List.of(), List.of(), null, 10), Options.DEFAULT).differentKeys()).containsExactly("2");
  }

  @Test
  void shouldMeetDatesTimestampsAndNumbersOfOtherTypesAtEqualValues() throws Exception {
    run(source, "CREATE TABLE shop.events (id int PRIMARY KEY, day date, at timestamp(0), qty numeric(10,2), seen timestamptz)",
        "INSERT INTO shop.events VALUES (1, '2026-03-01', '2026-03-01 12:00:00', 10.00, '2026-03-01 12:00:00+00'),"
            + " (2, '2026-03-02', '2026-03-02 23:59:59', 7, '2026-03-02 23:30:00.25+00')");
    run(destination, "CREATE TABLE shop.events (id bigint PRIMARY KEY, day timestamp(0), at timestamp(6), qty bigint, seen timestamptz)",
        "INSERT INTO shop.events VALUES (1, '2026-03-01 00:00:00', '2026-03-01 12:00:00', 10, '2026-03-01 13:00:00+01'),"
            + " (2, '2026-03-02 00:00:00', '2026-03-02 23:59:59', 7, '2026-03-03 08:30:00.25+09')");
    // Each side's session in another time zone: an instant is an instant.
    run(source, "SET TIME ZONE 'America/Sao_Paulo'");
    run(destination, "SET TIME ZONE 'Europe/Moscow'");

    ChunkResult result = compareAll(new TableSpec("shop.events", List.of(), List.of(), null, 10), SMALL_DRILL);

    assertThat(result.identical()).as("a date is its midnight, timestamp(0) meets timestamp(6), 10.00 = 10, instants equal").isTrue();

    run(destination, "UPDATE shop.events SET at = at + interval '1 microsecond' WHERE id = 2",
        "UPDATE shop.events SET seen = seen + interval '1 microsecond' WHERE id = 1");
    assertThat(compareAll(new TableSpec("shop.events", List.of(), List.of(), null, 10), SMALL_DRILL).differentKeys())
        .containsExactlyInAnyOrder("1", "2");
  }

  @Test
  void shouldTellValuesApartByColumnAndNullFromAnyValue() throws Exception {
    for (Connection side : List.of(source, destination)) {
      run(side, "CREATE TABLE shop.flags (id int PRIMARY KEY, a text, b text, ok boolean, data bytea)",
          "INSERT INTO shop.flags VALUES (1, 'x', NULL, true, '\\x01'), (2, NULL, 'x', false, NULL), (3, 'y', 'y', NULL, '\\x00'),"
              + " (4, 'z', 'z', true, '\\x0102')");
    }
    TableSpec flags = new TableSpec("shop.flags", List.of(), List.of(), null, 10);
    assertThat(compareAll(flags, SMALL_DRILL).identical()).isTrue();

    run(destination, "UPDATE shop.flags SET a = NULL, b = 'x' WHERE id = 1", "UPDATE shop.flags SET a = 'x', b = NULL WHERE id = 2",
        "UPDATE shop.flags SET ok = false WHERE id = 3", "UPDATE shop.flags SET data = '\\x0201' WHERE id = 4");

    assertThat(compareAll(flags, SMALL_DRILL).differentKeys()).as("the same values in other columns, a boolean, bytes reordered")
        .containsExactlyInAnyOrder("1", "2", "3", "4");
  }

  @Test
  void shouldChunkAcrossGapsInTheKeys() throws Exception {
    for (Connection connection : List.of(source, destination)) {
      run(connection, "CREATE TABLE shop.sparse (id bigint PRIMARY KEY, v text)",
          "INSERT INTO shop.sparse SELECT i, 'v' || i FROM generate_series(1, 500) i",
          "INSERT INTO shop.sparse SELECT i, 'v' || i FROM generate_series(1000000000, 1000000500) i");
    }
    run(destination, "INSERT INTO shop.sparse VALUES (600, 'in the gap'), (2000000000, 'past the end'), (-5, 'before the start')");

    ChunkResult result = compareAll(new TableSpec("shop.sparse", List.of(), List.of(), null, 100), SMALL_DRILL);

    assertThat(result.missingInSourceKeys()).containsExactlyInAnyOrder("600", "2000000000", "-5");
    assertThat(result.missingInDestination()).isZero();
  }

  @Test
  void shouldApplyTheWhereFilterOnBothSides() throws Exception {
    createItems(source, 1000);
    createItems(destination, 1000);
    run(destination, "UPDATE shop.items SET name = 'changed' WHERE id IN (10, 900)");

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of("name"), "id < 500", 100), SMALL_DRILL);

    assertThat(result.differentKeys()).containsExactly("10");
    assertThat(result.sourceRows()).isEqualTo(499);
  }

  @Test
  void shouldRunEveryFunctionCastAndLiteralTheFilterAllows() throws Exception {
    for (Connection connection : List.of(source, destination)) {
      createItems(connection, 300);
      run(connection, "ALTER TABLE shop.items ADD COLUMN \"Flag\" boolean DEFAULT true");
    }
    run(destination, "UPDATE shop.items SET note = 'changed' WHERE id IN (50, 150)");
    String filter = String.join(" and ", List.of("id >= 100", "lower(name) like 'item%'", "upper(name) = upper(lower(name))",
        "length(name) > 4", "char_length(name) = length(name)", "substr(name, 1, 4) = 'item'", "substring(name, 1, 4) = 'item'",
        "trim(name) = name", "trim(both 'x' from name) = name", "trim(leading from name) = name", "ltrim(name, 'x') = name",
        "rtrim(name) = name", "coalesce(note, 'none') <> ''", "nullif(name, '') is not null", "abs(id) = id", "round(price, 1) = price",
        "trunc(price, 2) = price", "floor(id) = ceil(id)", "mod(id, 1) = 0", "date_trunc('day', created) >= date '2026-01-01'",
        "created < timestamp '2027-01-01 00:00:00.5'", "cast(id as varchar(10)) <> ''", "cast(id as text) = id::text", "id::bigint = id",
        "cast(price as numeric(10, 2)) = price", "cast(created as date) >= date '2026-01-01'", "id between -1 and 1e9",
        "id not in (-5, 0.5)", "name not like 'x!%' escape '!'", "(price + 1) * 2 - -1 > 0", "name || 'x' <> 'x'",
        "not (id is null)", "(note is null or note is not null)", "\"Flag\"", "cast(\"Flag\" as boolean) = true", "Price >= 0.0"));

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of("note"), filter, 100), SMALL_DRILL);

    assertThat(result.sourceRows()).isEqualTo(201);
    assertThat(result.differentKeys()).containsExactly("150");
  }

  @Test
  void shouldFailATableWhoseFilterNamesAColumnItDoesNotHave() throws Exception {
    createItems(source, 10);
    createItems(destination, 10);
    run(destination, "ALTER TABLE shop.items DROP COLUMN note");

    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of("name"), "nope = 1", 100), SMALL_DRILL))
        .isInstanceOf(InvalidInputException.class).hasMessage("the WHERE filter names column nope, which is not in the source's shop.items");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of("name"), "\"Name\" = 'x'", 100), SMALL_DRILL))
        .as("a quoted name matches exactly").hasMessage("the WHERE filter names column \"Name\", which is not in the source's shop.items");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of("name"), "note is null", 100), SMALL_DRILL))
        .hasMessage("the WHERE filter names column note, which is not in the destination's shop.items");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of("name"), "pg_sleep(1) is null", 100), SMALL_DRILL))
        .as("checked again where it runs").hasMessageContaining("may not call pg_sleep");
  }

  @Test
  void shouldFetchOnlyTheBucketsThatDifferInLargeChunks() throws Exception {
    createItems(source, 50_000);
    createItems(destination, 50_000);
    run(destination, "UPDATE shop.items SET name = name || '!' WHERE id % 7919 = 0");
    // Chunks sized from the planner's estimate rather than a count.
    run(source, "ANALYZE shop.items");

    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 25_000), new Options(4096, 100));

    assertThat(result.different()).isEqualTo(6);
    assertThat(result.differentKeys()).containsExactlyInAnyOrder("7919", "15838", "23757", "31676", "39595", "47514");
    assertThat(result.rowsFetched()).as("only the rows of the differing buckets are fetched").isLessThan(200);

    // Slices of 40 keys, wide enough to be summed each on its own (the 4096 above hold 7 and are grouped),
    // in the three chunks bounded on both sides; the two open ones at the ends still by MOD.
    ChunkResult sliced = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 10_000), new Options(256, 100));
    assertThat(sliced.differentKeys()).containsExactlyInAnyOrder("7919", "15838", "23757", "31676", "39595", "47514");
    assertThat(sliced.rowsFetched()).as("the rows of six buckets from both sides").isLessThanOrEqualTo(2 * 6 * 40);

    sql.beginReadOnly(source, SessionLimits.DEFAULT);
    try {
      PreparedTable table = comparator.prepare(new Side(source, sql), new Side(destination, sql), new TableSpec("shop.items", List.of(),
          List.of(), null, 10_000));
      KeyRange range = new KeyRange(List.of("10001"), List.of("20001"));
      String plan = String.join("\n", Jdbc.queryStrings(source, "EXPLAIN " + sql.hashQuery(table.onSource(sql), 256, range),
          ChunkSql.rangeBinds(range).toArray()));
      assertThat(plan).as("each slice summed through the primary key, no row grouped").contains("Nested Loop", "Index")
          .doesNotContain("HashAggregate", "Sort", "Seq Scan");
      String drill = String.join("\n", Jdbc.queryStrings(source, "EXPLAIN " + sql.drillQuery(table.onSource(sql), 256, range,
          List.of(3L, 4L, 90L, 200L)), ChunkSql.rangeBinds(range).toArray()));
      assertThat(drill).as("each differing slice's rows read on their own through the primary key, not the chunk filtered")
          .contains("Nested Loop", "Index").doesNotContain("Filter", "Seq Scan");
    } finally {
      source.rollback();
      source.setAutoCommit(true);
    }
  }

  @Test
  void shouldTakeFewerRowsAChunkWhenRowsAreWide() throws Exception {
    for (Connection side : List.of(source, destination)) {
      // About 3 KB of hex a row, half of it kept after compression: the table is mostly TOAST.
      run(side, "CREATE TABLE shop.documents (id int PRIMARY KEY, body text)",
          "INSERT INTO shop.documents SELECT i, (SELECT string_agg(md5((i * 1000 + j)::text), '') FROM generate_series(1, 100) j)"
              + " FROM generate_series(1, 2000) i",
          "VACUUM ANALYZE shop.documents");
    }
    run(destination, "UPDATE shop.documents SET body = body || '.' WHERE id = 1500");
    TableSpec documents = new TableSpec("shop.documents", List.of(), List.of(), null, 1000);
    sql.beginReadOnly(source, SessionLimits.DEFAULT);
    try {
      Side sourceSide = new Side(source, sql);
      PreparedTable table = comparator.prepare(sourceSide, new Side(destination, sql), documents);
      long bytes = sql.estimatedBytes(source, new TableRef("shop", "documents"));
      assertThat(bytes).as("heap and TOAST").isGreaterThan(2000L * 1000);

      assertThat(comparator.chunks(sourceSide, table, 1000, NO_BYTE_LIMIT)).as("two of 1000 rows and the two edges").hasSize(4);
      assertThat(comparator.chunks(sourceSide, table, 1000, bytes / 10)).as("about a tenth of the table's bytes each, and the two edges")
          .hasSizeBetween(12, 13);
    } finally {
      source.rollback();
      source.setAutoCommit(true);
    }
    assertThat(compareAll(documents, SMALL_DRILL).differentKeys()).containsExactly("1500");
  }

  @Test
  void shouldEstimateRowsAsThePlannerDoesAfterTheTableGrew() throws Exception {
    createItems(source, 10_000);
    run(source, "VACUUM ANALYZE shop.items");
    TableRef items = new TableRef("shop", "items");
    assertThat(sql.estimatedRows(source, items)).isBetween(9_000L, 11_000L);

    run(source, "INSERT INTO shop.items SELECT i, 'item ' || i, 1, 'n' || i, now() FROM generate_series(10001, 30000) i");

    assertThat(sql.estimatedRows(source, items)).as("rows per page seen last times the pages now").isBetween(27_000L, 33_000L);
  }

  @Test
  void shouldFetchDifferingBucketsInBatchesWhenMuchOfAChunkDiffers() throws Exception {
    createItems(source, 3000);
    createItems(destination, 3000);
    run(destination, "UPDATE shop.items SET name = name || '*' WHERE id % 2 = 0", "DELETE FROM shop.items WHERE id % 7 = 0");

    // 64 buckets of about 47 rows, fetched 200 rows a side at a time: many batches for one chunk.
    ChunkResult result = compareAll(new TableSpec("shop.items", List.of(), List.of(), null, 5000), new Options(64, 10, 200));

    assertThat(result.missingInDestination()).isEqualTo(428);
    assertThat(result.different()).isEqualTo(1500 - 214);
    assertThat(result.missingInSource()).isZero();
    assertThat(result.rowsFetched()).as("every row of both sides, once").isEqualTo(3000 + 2572);
  }

  @Test
  void shouldRefuseTablesItCannotCompare() throws Exception {
    run(source, "CREATE TABLE shop.nokey (a int, b text)");
    run(destination, "CREATE TABLE shop.nokey (a int, b text)");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.nokey", List.of(), List.of(), null, 10), Options.DEFAULT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no primary key");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.missing", List.of("id"), List.of(), null, 10), Options.DEFAULT))
        .isInstanceOf(TableComparator.TableMissingException.class);
    run(source, "CREATE TABLE shop.wider (id int PRIMARY KEY, extra text)");
    run(destination, "CREATE TABLE shop.wider (id int PRIMARY KEY)");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.wider", List.of(), List.of(), null, 10), Options.DEFAULT))
        .hasMessageContaining("column extra is not in the destination");
    assertThatThrownBy(() -> compareAll(new TableSpec("shop.wider", List.of(), List.of(), "1=1; DELETE FROM shop.wider", 10), Options.DEFAULT))
        .hasMessageContaining("single condition");
  }

  @Test
  void shouldNeverWriteEvenThroughTheFilter() throws Exception {
    createItems(source, 10);
    createItems(destination, 10);
    run(source, "CREATE FUNCTION shop.sneaky() RETURNS boolean LANGUAGE sql AS 'DELETE FROM shop.items RETURNING true'");
    run(destination, "CREATE FUNCTION shop.sneaky() RETURNS boolean LANGUAGE sql AS 'DELETE FROM shop.items RETURNING true'");

    assertThatThrownBy(() -> compareAll(new TableSpec("shop.items", List.of(), List.of(), "shop.sneaky()", 10), Options.DEFAULT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("may not call shop.sneaky");
    // And behind the grammar, the transaction itself cannot write.
    sql.beginReadOnly(source, SessionLimits.DEFAULT);
    try {
      assertThatThrownBy(() -> Jdbc.queryString(source, "SELECT shop.sneaky()::text")).isInstanceOf(SQLException.class)
          .hasMessageContaining("read-only");
    } finally {
      source.rollback();
      source.setAutoCommit(true);
    }
    assertThat(Jdbc.queryLong(source, "SELECT count(*) FROM shop.items")).isEqualTo(10);
  }

  /** Compares the table's chunks one at a time. */
  private ChunkResult compareAll(TableSpec spec, Options options) throws Exception {
    return compareInBatches(spec, options, 1);
  }

  /** Compares the table's chunks a batch at a time, as a run does once chunks are quick (the diffs here put both ways to work). */
  private ChunkResult compareInBatches(TableSpec spec, Options options, int batch) throws Exception {
    sql.beginReadOnly(source, SessionLimits.DEFAULT);
    sql.beginReadOnly(destination, SessionLimits.DEFAULT);
    try {
      Side sourceSide = new Side(source, sql);
      Side destinationSide = new Side(destination, sql);
      PreparedTable table = comparator.prepare(sourceSide, destinationSide, spec);
      assertThat(table.typedHash()).isEqualTo(sql instanceof PostgresCompareSql && !(sql instanceof Md5Only));
      List<KeyRange> ranges = comparator.chunks(sourceSide, table, spec.chunkSize(), NO_BYTE_LIMIT);
      ChunkResult total = ChunkResult.EMPTY;
      boolean lastDiffered = false;
      for (int from = 0; from < ranges.size(); from += batch) {
        List<ChunkResult> chunks = comparator.compare(sourceSide, destinationSide, table, ranges.subList(from, Math.min(ranges.size(), from + batch)),
            options, lastDiffered);
        for (ChunkResult chunk : chunks) {
          total = total.plus(chunk, options.maxSamples());
        }
        // As a run does: after a chunk that differed, the next are hashed by bucket straight away.
        lastDiffered = !chunks.get(chunks.size() - 1).identical();
      }
      return total;
    } finally {
      source.rollback();
      destination.rollback();
      source.setAutoCommit(true);
      destination.setAutoCommit(true);
    }
  }

  /** PostgreSQL SQL that hashes rows with MD5, as when the other side is Oracle. */
  static class Md5Only extends PostgresCompareSql {
    @Override
    public boolean hashesTypedValues(Connection connection) {
      return false;
    }
  }

  private static void createItems(Connection connection, int rows) throws SQLException {
    run(connection, "CREATE TABLE shop.items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), note text, created timestamptz)",
        "INSERT INTO shop.items SELECT i, 'item ' || i, (i % 1000) / 10.0, CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END,"
            + " timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute' FROM generate_series(1, " + rows + ") i");
  }

  private static boolean hasCollation(Connection connection, String name) throws SQLException {
    return !Jdbc.queryStrings(connection, "SELECT collname FROM pg_collation WHERE collname = ?", name).isEmpty();
  }

  private static void run(Connection connection, String... statements) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
