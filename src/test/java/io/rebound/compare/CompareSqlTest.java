package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.compare.CompareSql.TypedValue;
import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class CompareSqlTest {

  private final OracleCompareSql oracle = new OracleCompareSql();
  private final PostgresCompareSql postgres = new PostgresCompareSql();

  @Test
  void shouldNormaliseEachKindTheSameWayOnBothDialects() {
    assertThat(oracle.normalised(new Column("PRICE", "NUMBER(10,2)", ColumnKind.NUMBER)))
        .isEqualTo("REGEXP_REPLACE(TO_CHAR(\"PRICE\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), '^(-?)\\.', '\\10.')");
    assertThat(postgres.normalised(new Column("price", "numeric(10,2)", ColumnKind.NUMBER))).isEqualTo("trim_scale(\"price\"::numeric)::text");
    assertThat(oracle.normalised(new Column("CODE", "CHAR(6)", ColumnKind.CHAR))).isEqualTo("RTRIM(\"CODE\")");
    assertThat(postgres.normalised(new Column("code", "character(6)", ColumnKind.CHAR))).isEqualTo("NULLIF(rtrim(\"code\"), '')");
    assertThat(oracle.normalised(new Column("AT", "TIMESTAMP(6) WITH TIME ZONE", ColumnKind.TIMESTAMP_TZ)))
        .isEqualTo("TO_CHAR(SYS_EXTRACT_UTC(\"AT\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')");
    assertThat(postgres.normalised(new Column("at", "timestamp with time zone", ColumnKind.TIMESTAMP_TZ)))
        .isEqualTo("to_char(\"at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')");
    assertThat(oracle.normalised(new Column("D", "DATE", ColumnKind.DATE))).isEqualTo("TO_CHAR(\"D\", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"')");
    assertThat(postgres.normalised(new Column("d", "timestamp(0) without time zone", ColumnKind.DATE)))
        .isEqualTo("to_char(\"d\", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"')");
    assertThat(postgres.normalised(new Column("d", "date", ColumnKind.DAY))).isEqualTo("to_char(\"d\", 'YYYY-MM-DD\"T00:00:00.000000\"')");
    assertThat(oracle.normalised(new Column("DOC", "BLOB", ColumnKind.BINARY)))
        .isEqualTo("CASE WHEN \"DOC\" IS NOT NULL THEN LOWER(RAWTOHEX(SYS.DBMS_CRYPTO.HASH(\"DOC\", 2))) END");
    assertThat(postgres.normalised(new Column("doc", "bytea", ColumnKind.BINARY))).isEqualTo("md5(\"doc\")");
  }

  @Test
  void shouldReadTheCatalogTypesIntoKinds() {
    assertThat(oracle.kindOf("TIMESTAMP(6)", "TIMESTAMP(6)")).isEqualTo(ColumnKind.TIMESTAMP);
    assertThat(oracle.kindOf("TIMESTAMP(6) WITH LOCAL TIME ZONE", "x")).isEqualTo(ColumnKind.TIMESTAMP_TZ);
    assertThat(oracle.kindOf("CLOB", "CLOB")).isEqualTo(ColumnKind.BINARY);
    assertThat(postgres.kindOf("timestamp", "timestamp(0) without time zone")).isEqualTo(ColumnKind.DATE);
    assertThat(postgres.kindOf("timestamp", "timestamp without time zone")).isEqualTo(ColumnKind.TIMESTAMP);
    assertThat(postgres.kindOf("int8", "bigint")).isEqualTo(ColumnKind.NUMBER);
    assertThat(postgres.kindOf("jsonb", "jsonb")).isEqualTo(ColumnKind.OTHER);
  }

  @Test
  void shouldQuoteTextAndMarkNullsInTheRowText() {
    List<Column> columns = List.of(new Column("id", "integer", ColumnKind.NUMBER), new Column("name", "character varying(20)", ColumnKind.TEXT));
    String text = RowText.of(postgres, columns, RowText.widths(columns, columns));

    assertThat(text).isEqualTo("COALESCE(\"id\"::text, '~') || '|' || CASE WHEN NULLIF(\"name\"::text, '') IS NULL THEN 'NULL'"
        + " ELSE '''' || REPLACE(NULLIF(\"name\"::text, ''), '''', '''''') || '''' END");
  }

  @Test
  void shouldHashLongTextApartSoThatARowFitsAVarchar2() {
    Column id = new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER);
    Column narrow = new Column("CODE", "VARCHAR2(20)", ColumnKind.TEXT);
    Column wideOnOracle = new Column("NOTE", "VARCHAR2(4000)", ColumnKind.TEXT);
    Column unboundedOnPostgres = new Column("code", "text", ColumnKind.TEXT);
    assertThat(RowText.width(narrow)).isEqualTo(162);
    assertThat(RowText.width(wideOnOracle)).isGreaterThan(RowText.WIDE);
    assertThat(RowText.widths(List.of(id, narrow), List.of(id, unboundedOnPostgres)))
        .as("a column is as wide as the wider side").containsExactly(66, RowText.UNBOUNDED);

    String text = RowText.of(oracle, List.of(id, narrow, wideOnOracle), List.of(66, 162, RowText.width(wideOnOracle)));

    assertThat(text).isEqualTo("COALESCE(REGEXP_REPLACE(TO_CHAR(\"ID\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), '^(-?)\\.', '\\10.'), '~')"
        + " || '|' || CASE WHEN \"CODE\" IS NULL THEN 'NULL' ELSE '''' || REPLACE(\"CODE\", '''', '''''') || '''' END"
        + " || '|' || CASE WHEN \"NOTE\" IS NULL THEN '~' ELSE LOWER(RAWTOHEX(STANDARD_HASH(\"NOTE\", 'MD5'))) END");
  }

  @Test
  void shouldHashGroupsOfColumnsWhenARowCouldStillBeTooLong() {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      columns.add(new Column("C" + i, "VARCHAR2(40)", ColumnKind.TEXT));
    }

    String text = RowText.of(oracle, columns, RowText.widths(columns, columns));

    // 100 columns of at most 322 bytes: 11 to a group within the budget, so 10 groups, each its MD5.
    assertThat(text.split("STANDARD_HASH\\(", -1)).hasSize(11);
    assertThat(text).startsWith("LOWER(RAWTOHEX(STANDARD_HASH(CASE WHEN \"C0\" IS NULL");
    assertThat(text.split("'MD5'\\)\\)\\) \\|\\| '\\|' \\|\\| LOWER", -1)).hasSize(10);
  }

  @Test
  void shouldHashAChunkByBucketWithOneQueryPerSide() {
    List<Column> key = List.of(new Column("ORDER_ID", "NUMBER(10,0)", ColumnKind.NUMBER), new Column("LINE_NO", "NUMBER(4,0)", ColumnKind.NUMBER));
    String sql = oracle.hashQuery(new SideTable(oracle, new TableRef("SHOP", "LINES"), key, 2, List.of(), false, "QTY > 0", List.of(66, 66), false), 4096,
        new KeyRange(List.of("17", "3"), List.of("250", "1")));

    assertThat(sql).startsWith("SELECT b, COUNT(*), SUM(TO_NUMBER(SUBSTR(h, 1, 15), 'XXXXXXXXXXXXXXX')),")
        .contains("MOD(TO_NUMBER(SUBSTR(LOWER(RAWTOHEX(STANDARD_HASH(")
        .contains(", 1, 7), 'XXXXXXX'), 4096) AS b")
        .contains(" FROM \"SHOP\".\"LINES\" WHERE (\"ORDER_ID\" > ? OR (\"ORDER_ID\" = ? AND \"LINE_NO\" >= ?))"
            + " AND (\"ORDER_ID\" < ? OR (\"ORDER_ID\" = ? AND \"LINE_NO\" < ?)) AND (QTY > 0)")
        .endsWith(") GROUP BY b");
    assertThat(ChunkSql.rangeBinds(new KeyRange(List.of("17", "3"), List.of("250", "1")))).containsExactly("17", "17", "3", "250", "250", "1");
  }

  @Test
  void shouldBucketWholeNumberKeysByModuloOnBothDialects() {
    assertThat(ChunkSql.bucket(new SideTable(postgres, new TableRef("shop", "t"), List.of(new Column("id", "bigint", ColumnKind.NUMBER)), 1,
        List.of(new TypedValue("hashint8extended", "\"id\"::bigint")), true, null, List.of(66), false), 4096, KeyRange.ALL)).isEqualTo("MOD(\"id\", 4096)");
    assertThat(ChunkSql.bucket(new SideTable(oracle, new TableRef("SHOP", "T"), List.of(new Column("ID", "NUMBER(19,0)", ColumnKind.NUMBER)), 1,
        List.of(), true, null, List.of(66), false), 4096, KeyRange.ALL)).isEqualTo("MOD(\"ID\", 4096)");
    assertThat(oracle.isInteger(new Column("ID", "NUMBER(19,0)", ColumnKind.NUMBER))).isTrue();
    assertThat(oracle.isInteger(new Column("PRICE", "NUMBER(10,2)", ColumnKind.NUMBER))).isFalse();
    assertThat(postgres.isInteger(new Column("id", "bigint", ColumnKind.NUMBER))).isTrue();
    assertThat(postgres.hexPrefixNumber("h", 7)).isEqualTo("('x' || substr(h, 1, 7))::bit(28)::int");
    assertThat(ChunkSql.bucket(new SideTable(postgres, new TableRef("shop", "t"), List.of(new Column("code", "text", ColumnKind.TEXT)), 1,
        List.of(new TypedValue("hashtextextended", "\"code\"::text COLLATE \"C\"")), false, null, List.of(RowText.UNBOUNDED), false), 4096,
        KeyRange.ALL))
        .as("a key's bucket hash has seeds of its own, unrelated to the row's")
        .isEqualTo("MOD((coalesce(hashtextextended(\"code\"::text COLLATE \"C\", 4294967297), " + PostgresCompareSql.nullHash(4294967297L)
            + ")) & 9223372036854775807, 4096)");
  }

  @Test
  void shouldHashTypedValuesOfTheSameClassAndNormalisedTextOtherwise() {
    Column integer = new Column("id", "integer", ColumnKind.NUMBER);
    Column bigint = new Column("id", "bigint", ColumnKind.NUMBER);
    Column decimal = new Column("id", "numeric(12,2)", ColumnKind.NUMBER);
    assertThat(postgres.typedValue(integer, bigint)).isEqualTo(new TypedValue("hashint8extended", "\"id\"::bigint"));
    assertThat(postgres.typedValue(integer, decimal)).as("an integer meets a decimal as numeric")
        .isEqualTo(new TypedValue("hash_numeric_extended", "\"id\"::numeric"));
    assertThat(postgres.typedValue(new Column("c", "character(6)", ColumnKind.CHAR), new Column("c", "text", ColumnKind.TEXT)))
        .isEqualTo(new TypedValue("hashtextextended", "NULLIF(rtrim(\"c\"), '') COLLATE \"C\""));
    assertThat(postgres.typedValue(new Column("c", "character(6)", ColumnKind.CHAR), new Column("c", "character(10)", ColumnKind.CHAR)))
        .as("a CHAR's own hash ignores its padding").isEqualTo(new TypedValue("hashbpcharextended", "\"c\" COLLATE \"C\""));
    assertThat(postgres.typedValue(new Column("n", "character varying(10)", ColumnKind.TEXT), new Column("n", "text", ColumnKind.TEXT)))
        .as("'' is not NULL between PostgreSQL servers").isEqualTo(new TypedValue("hashtextextended", "\"n\"::text COLLATE \"C\""));
    assertThat(postgres.typedValue(new Column("d", "date", ColumnKind.DAY), new Column("d", "timestamp(0) without time zone", ColumnKind.DATE)))
        .isEqualTo(new TypedValue("timestamp_hash_extended", "\"d\"::timestamp"));
    Column zoned = new Column("at", "timestamp with time zone", ColumnKind.TIMESTAMP_TZ);
    assertThat(postgres.typedValue(zoned, zoned)).isEqualTo(new TypedValue("timestamp_hash_extended", "\"at\" AT TIME ZONE 'UTC'"));
    assertThat(postgres.typedValue(zoned, new Column("at", "timestamp without time zone", ColumnKind.TIMESTAMP)))
        .as("an instant and a wall-clock time meet as text, as across dialects")
        .isEqualTo(new TypedValue("hashtextextended", "to_char(\"at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') COLLATE \"C\""));
    Column bytes = new Column("b", "bytea", ColumnKind.BINARY);
    assertThat(postgres.typedValue(bytes, bytes)).isEqualTo(new TypedValue("hash_record_extended", "ROW(\"b\")"));
    assertThat(postgres.typedHash(List.of(new TypedValue("hashint8extended", "\"id\"::bigint"), new TypedValue("hashint4extended", "\"ok\"::int")), 0))
        .as("each value with a seed of its own, NULL as a constant of its own, combined by XOR")
        .isEqualTo("(coalesce(hashint8extended(\"id\"::bigint, 1), " + PostgresCompareSql.nullHash(1) + ") # coalesce(hashint4extended(\"ok\"::int, 2), "
            + PostgresCompareSql.nullHash(2) + "))");
    assertThat(PostgresCompareSql.nullHash(1)).isNotEqualTo(PostgresCompareSql.nullHash(2)).isNotEqualTo(1L);
    assertThatThrownBy(() -> oracle.typedValue(integer, integer)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldSliceABoundedRangeOfAWholeNumberKeySoThatTheIndexFindsABucketsRows() {
    SideTable postgresTable = new SideTable(postgres, new TableRef("shop", "t"), List.of(new Column("id", "bigint", ColumnKind.NUMBER)), 1,
        List.of(new TypedValue("hashint8extended", "\"id\"::bigint")), true, null, List.of(66), false);
    SideTable oracleTable = new SideTable(oracle, new TableRef("SHOP", "T"), List.of(new Column("ID", "NUMBER(19,0)", ColumnKind.NUMBER)), 1,
        List.of(), true, null, List.of(66), false);
    KeyRange range = new KeyRange(List.of("1000"), List.of("2001"));

    // 1001 keys in 40 buckets: slices of 26, the last one shorter.
    assertThat(ChunkSql.bucket(postgresTable, 40, range)).isEqualTo("(\"id\" - 1000) / 26");
    assertThat(ChunkSql.bucket(oracleTable, 40, range)).isEqualTo("FLOOR((\"ID\" - 1000) / 26)");
    assertThat(postgres.drillQuery(postgresTable, 40, range, List.of(9L, 3L, 4L, 5L, 38L)))
        .as("neighbouring buckets joined into one key range, the last held to the range's end, each read on its own")
        .startsWith("SELECT x.* FROM (VALUES (1078::bigint, 1156::bigint), (1234::bigint, 1260::bigint), (1988::bigint, 2001::bigint)) AS r(f, t)"
            + " CROSS JOIN LATERAL (SELECT \"id\"::text, ")
        .endsWith(" FROM \"shop\".\"t\" WHERE \"id\" >= CAST(? AS bigint) AND \"id\" < CAST(? AS bigint) AND \"id\" >= r.f AND \"id\" < r.t) AS x");
    assertThat(oracle.drillQuery(oracleTable, 40, range, List.of(9L, 3L, 4L, 5L)))
        .endsWith(" AND ((\"ID\" >= 1078 AND \"ID\" < 1156) OR (\"ID\" >= 1234 AND \"ID\" < 1260))");
    assertThat(ChunkSql.bucket(postgresTable, 40, new KeyRange(List.of("1000"), null))).as("open ranges by MOD").isEqualTo("MOD(\"id\", 40)");
    assertThat(postgres.hashQuery(postgresTable, 40, range)).as("slices of 26 keys grouped").endsWith("GROUP BY b");
    KeyRange wide = new KeyRange(List.of("1000"), List.of("160745"));
    assertThat(postgres.hashQuery(postgresTable, 40, wide)).as("on PostgreSQL wider slices summed each on its own, no row grouped")
        .startsWith("SELECT s.b, x.c, x.h1, x.h2 FROM generate_series(0, 39) AS s(b) CROSS JOIN LATERAL (SELECT 0, count(*), sum(h), 0 FROM (SELECT ")
        .endsWith(" FROM \"shop\".\"t\" WHERE \"id\" >= CAST(? AS bigint) AND \"id\" < CAST(? AS bigint)"
            + " AND \"id\" >= CAST(LEAST(1000 + s.b * 3994::numeric, 160745) AS bigint)"
            + " AND \"id\" < CAST(LEAST(1000 + (s.b + 1) * 3994::numeric, 160745) AS bigint)) s) AS x(z, c, h1, h2) WHERE x.c > 0");
    assertThat(postgres.hashQuery(postgresTable, 40, new KeyRange(List.of("1000"), List.of("2280")))).as("slices of 32 keys summed each on its own")
        .startsWith("SELECT s.b, x.c, x.h1, x.h2 FROM generate_series(0, 39) AS s(b)");
    assertThat(postgres.hashQuery(postgresTable, 40, new KeyRange(List.of("1000"), List.of("2240")))).as("slices of 31 keys grouped")
        .endsWith("GROUP BY b");
    assertThat(postgres.hashQuery(postgresTable, 4096, wide)).as("no more slices than the range has keys for")
        .startsWith("SELECT s.b, x.c, x.h1, x.h2 FROM generate_series(0, 3993) AS s(b)");
    assertThat(oracle.hashQuery(oracleTable, 40, wide)).as("Oracle groups rows by slice").contains("FLOOR((\"ID\" - 1000) / 3994) AS b")
        .endsWith("GROUP BY b");
    assertThat(postgres.hashQuery(postgresTable, 40, new KeyRange(List.of("1000"), null))).endsWith("GROUP BY b");
    assertThat(oracle.keyEndsQuery(oracleTable)).isEqualTo(
        "SELECT (SELECT MIN(\"ID\") FROM \"SHOP\".\"T\"), (SELECT MAX(\"ID\") FROM \"SHOP\".\"T\") FROM DUAL");
  }

  @Test
  void shouldAskEachDialectForTheKeyEndsOfAWholeNumberKey() {
    SideTable postgresTable = new SideTable(postgres, new TableRef("shop", "t"), List.of(new Column("id", "bigint", ColumnKind.NUMBER)), 1,
        List.of(new TypedValue("hashint8extended", "\"id\"::bigint")), true, "qty > 0", List.of(66), false);
    SideTable oracleTable = new SideTable(oracle, new TableRef("SHOP", "T"), List.of(new Column("ID", "NUMBER(19,0)", ColumnKind.NUMBER)), 1,
        List.of(), true, null, List.of(66), false);

    assertThat(postgres.keyEndsQuery(postgresTable)).as("the statistics tell the rows: the ends only, the filter aside")
        .isEqualTo("SELECT MIN(\"id\"), MAX(\"id\") FROM \"shop\".\"t\"");
    assertThat(postgres.keyEndsAndCountQuery(postgresTable)).as("the rows the filter picks, counted")
        .isEqualTo("SELECT MIN(\"id\"), MAX(\"id\"), COUNT(*) FROM \"shop\".\"t\" WHERE (qty > 0)");
    assertThat(oracle.keyEndsAndCountQuery(oracleTable)).isEqualTo("SELECT MIN(\"ID\"), MAX(\"ID\"), COUNT(*) FROM \"SHOP\".\"T\"");
  }

  @Test
  void shouldCutATableAtEveryNthKeyInTheOrderItsRangesCompareKeys() {
    SideTable codes = new SideTable(postgres, new TableRef("shop", "codes"), List.of(new Column("code", "character varying(20)", ColumnKind.TEXT),
        new Column("label", "text", ColumnKind.TEXT)), 1, List.of(), false, "label <> 'x'", List.of(162, RowText.UNBOUNDED), false);

    assertThat(postgres.boundariesQuery(codes, new KeyRange(List.of("a"), null))).isEqualTo("SELECT k0 FROM (SELECT NULLIF(\"code\"::text, '') AS k0,"
        + " ROW_NUMBER() OVER (ORDER BY \"code\" COLLATE \"C\") AS rn FROM \"shop\".\"codes\""
        + " WHERE \"code\" COLLATE \"C\" >= CAST(? AS character varying(20)) COLLATE \"C\" AND (label <> 'x'))"
        + " b WHERE MOD(rn - 1, ?) = 0 AND rn > 1 ORDER BY rn");
    SideTable lines = new SideTable(oracle, new TableRef("SHOP", "LINES"), List.of(new Column("ORDER_ID", "NUMBER(10,0)", ColumnKind.NUMBER),
        new Column("CODE", "CHAR(4)", ColumnKind.CHAR)), 2, List.of(), false, null, List.of(66, 34), true);
    assertThat(oracle.boundariesQuery(lines, KeyRange.ALL)).as("every key column, in the collation both sides share")
        .startsWith("SELECT k0, k1 FROM (SELECT REGEXP_REPLACE(TO_CHAR(\"ORDER_ID\", ")
        .contains(" AS k0, RTRIM(\"CODE\") AS k1, ROW_NUMBER() OVER (ORDER BY \"ORDER_ID\", \"CODE\") AS rn FROM \"SHOP\".\"LINES\") b WHERE");
  }

  @Test
  void shouldReadRowsAgainByTheirKeysOnOracleWithNumbersBoundAsNumbers() {
    SideTable table = new SideTable(oracle, new TableRef("SHOP", "T"), List.of(new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER),
        new Column("AT", "DATE", ColumnKind.DATE)), 1, List.of(), true, null, List.of(66, 26), false);

    assertThat(oracle.rowsByKeyQuery(table, 2)).startsWith("SELECT REGEXP_REPLACE(TO_CHAR(\"ID\", ")
        .endsWith(", TO_CHAR(\"AT\", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"') FROM \"SHOP\".\"T\" WHERE (\"ID\" = ?) OR (\"ID\" = ?)");
    assertThat(ChunkSql.keyBinds(table, List.of(List.of("7"), List.of("12")))).containsExactly(new java.math.BigDecimal("7"),
        new java.math.BigDecimal("12"));
  }

  @Test
  void shouldDrillIntoAnOpenRangeOnPostgresByItsBucketsAsOracleDoes() {
    SideTable postgresTable = new SideTable(postgres, new TableRef("shop", "t"), List.of(new Column("id", "bigint", ColumnKind.NUMBER)), 1,
        List.of(new TypedValue("hashint8extended", "\"id\"::bigint")), true, null, List.of(66), false);

    assertThat(postgres.drillQuery(postgresTable, 40, new KeyRange(List.of("1000"), null), List.of(1L, 2L)))
        .isEqualTo("SELECT \"id\"::text, (coalesce(hashint8extended(\"id\"::bigint, 1), " + PostgresCompareSql.nullHash(1) + "))::text"
            + " FROM \"shop\".\"t\" WHERE \"id\" >= CAST(? AS bigint) AND MOD(\"id\", 40) IN (1, 2)");
    assertThat(postgres.hashQuery(postgresTable, 0, new KeyRange(List.of("1000"), List.of("900000")))).as("a range hashed whole is not sliced")
        .isEqualTo("SELECT 0, count(*), sum(h), 0 FROM (SELECT (coalesce(hashint8extended(\"id\"::bigint, 1), " + PostgresCompareSql.nullHash(1)
            + ")) AS h FROM \"shop\".\"t\" WHERE \"id\" >= CAST(? AS bigint) AND \"id\" < CAST(? AS bigint)) s");
  }

  @Test
  void shouldTakeAsManyRowsAChunkAsFitItsBytes() {
    assertThat(KeyRanges.rowsPerChunk(250_000, 1_000_000L, 128_000_000L, 256L << 20)).as("narrow rows: as asked").isEqualTo(250_000);
    assertThat(KeyRanges.rowsPerChunk(250_000, 1_000_000L, 100_000_000_000L, 256L << 20)).as("100 KB rows").isEqualTo(2684);
    assertThat(KeyRanges.rowsPerChunk(250_000, 10L, 10_000_000_000L, 1024)).as("at least one row").isEqualTo(1);
    assertThat(KeyRanges.rowsPerChunk(250_000, null, null, 1024)).as("no statistics: as asked").isEqualTo(250_000);
  }

  @Test
  void shouldBatchDifferingBucketsByTheirRows() {
    Map<Long, Long> rows = Map.of(1L, 60L, 2L, 50L, 3L, 500L, 4L, 10L);

    assertThat(ChunkDiff.batches(List.of(1L, 2L, 3L, 4L), rows, 100))
        .as("a bucket larger than a batch goes alone").containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(4L));
    assertThat(ChunkDiff.batches(List.of(1L, 2L, 4L), rows, 120)).containsExactly(List.of(1L, 2L, 4L));
    assertThat(ChunkDiff.batches(List.of(), rows, 120)).isEmpty();
  }

  @Test
  void shouldCompareTextKeysInByteOrderOnPostgres() {
    List<Column> key = List.of(new Column("code", "character varying(20)", ColumnKind.TEXT));
    assertThat(ChunkSql.where(postgres, key, new KeyRange(List.of("a"), null), null, false))
        .isEqualTo(" WHERE \"code\" COLLATE \"C\" >= CAST(? AS character varying(20)) COLLATE \"C\"");
    assertThat(ChunkSql.where(postgres, key, new KeyRange(List.of("a"), null), null, true))
        .as("in the collation both sides share, which the key's index is in").isEqualTo(" WHERE \"code\" >= CAST(? AS character varying(20))");
  }

  @Test
  void shouldParseSchemaQualifiedTableNames() {
    assertThat(TableRef.parse(Dialect.ORACLE, "hr.employees")).isEqualTo(new TableRef("HR", "EMPLOYEES"));
    assertThat(TableRef.parse(Dialect.POSTGRESQL, "Shop.Items").sql()).isEqualTo("\"shop\".\"items\"");
    assertThatThrownBy(() -> TableRef.parse(Dialect.POSTGRESQL, "items")).hasMessageContaining("schema-qualified");
    assertThatThrownBy(() -> TableRef.parse(Dialect.POSTGRESQL, "a.b.c")).hasMessageContaining("schema-qualified");
    assertThatThrownBy(() -> TableRef.parse(Dialect.POSTGRESQL, "shop.\"items\"")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldRefuseTimeoutsThatWouldTurnTheLimitsOff() {
    assertThatThrownBy(() -> new ComparisonProperties(DataSize.ofMegabytes(256), Duration.ZERO, Duration.ofSeconds(10), 1000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new ComparisonProperties(DataSize.ofMegabytes(256), Duration.ofMinutes(4), Duration.ofSeconds(-1), 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ComparisonProperties(DataSize.ofMegabytes(256), Duration.ofMinutes(4), Duration.ofSeconds(10), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-tables");
    assertThat(new ComparisonProperties(DataSize.ofMegabytes(256), Duration.ofMinutes(4), Duration.ofSeconds(10), 1).sessionLimits())
        .isEqualTo(SessionLimits.DEFAULT);
  }
}
