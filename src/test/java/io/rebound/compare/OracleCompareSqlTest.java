package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.OracleCompareSql.Privileges;
import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The SQL a comparison runs on Oracle, read as Oracle would run it: Oracle cannot run here, so each rule
 * of its documentation the SQL must keep is asserted on the SQL itself.
 */
class OracleCompareSqlTest {

  private final OracleCompareSql oracle = new OracleCompareSql();
  private final PostgresCompareSql postgres = new PostgresCompareSql();

  private static final TableRef ITEMS = new TableRef("SHOP", "ITEMS");

  @Test
  void shouldSplitTheBucketsOfADrillIntoInListsOfAtMostAThousand() {
    SideTable byKeyHash = new SideTable(oracle, ITEMS, List.of(new Column("CODE", "VARCHAR2(20)", ColumnKind.TEXT)), 1, List.of(), false, null,
        List.of(162), false);
    List<Long> wanted = LongStream.range(0, 2500).boxed().toList();

    String sql = oracle.drillQuery(byKeyHash, 4096, KeyRange.ALL, wanted);

    // ORA-01795: a list holds at most 1000 expressions.
    Matcher lists = Pattern.compile(" IN \\(([^)]*)\\)").matcher(sql);
    int count = 0;
    while (lists.find()) {
      count++;
      assertThat(lists.group(1).split(", ")).hasSizeLessThanOrEqualTo(1000);
    }
    assertThat(count).isEqualTo(3);
    assertThat(sql).contains(", 999) OR MOD(").contains(", 1999) OR MOD(").endsWith(", 2499))");
    assertThat(ChunkSql.inLists("b", LongStream.range(0, 1000).boxed().toList())).as("a thousand fit one list")
        .startsWith("b IN (0, 1, ").doesNotContain(" OR ");
    assertThat(ChunkSql.inLists("b", List.of(7L))).isEqualTo("b IN (7)");
  }

  @Test
  void shouldRefuseTypesThatNoSqlFunctionCanRenderOrHash() {
    for (String type : List.of("LONG", "LONG RAW", "BFILE", "SYS.XMLTYPE", "SYS.ANYDATA", "JSON", "VECTOR", "MDSYS.SDO_GEOMETRY", "SHOP.ADDRESS_T")) {
      assertThat(oracle.kindOf(type, type)).as(type).isEqualTo(ColumnKind.UNSUPPORTED);
    }
    assertThat(oracle.kindOf("BINARY_DOUBLE", "BINARY_DOUBLE")).isEqualTo(ColumnKind.OTHER);
    assertThat(oracle.kindOf("INTERVAL DAY(2) TO SECOND(6)", "INTERVAL DAY(2) TO SECOND(6)")).isEqualTo(ColumnKind.OTHER);
    assertThat(oracle.columnsQuery()).as("a type of a schema is named with its owner")
        .contains("CASE WHEN data_type_owner IS NOT NULL THEN data_type_owner || '.' END || data_type");

    List<Column> columns = List.of(new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER), new Column("BODY", "LONG", ColumnKind.UNSUPPORTED));
    assertThatThrownBy(() -> TablePreparation.refuseUnsupported(columns, "source's", ITEMS)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("column BODY of the source's SHOP.ITEMS has type LONG, which cannot be compared")
        .hasMessageContaining("leave it out of \"columns\"");
    TablePreparation.refuseUnsupported(columns.subList(0, 1), "source's", ITEMS);
    assertThatThrownBy(() -> oracle.normalised(columns.get(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldWriteAndReadNumbersWithAPointWhateverTheSessionsNumericCharacters() {
    Column price = new Column("PRICE", "NUMBER(10,2)", ColumnKind.NUMBER);

    assertThat(oracle.normalised(price)).contains("TO_CHAR(\"PRICE\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''')");
    assertThat(oracle.normalised(new Column("RATIO", "BINARY_DOUBLE", ColumnKind.OTHER)))
        .isEqualTo("TO_CHAR(\"RATIO\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''')");
    KeyRange range = new KeyRange(List.of("1.5"), List.of("-0.25"));
    assertThat(ChunkSql.where(oracle, List.of(price), range, null, false))
        .as("no text turned into a number by the session's settings (ORA-01722 with a comma)").isEqualTo(" WHERE \"PRICE\" >= ? AND \"PRICE\" < ?");
    SideTable onOracle = new SideTable(oracle, ITEMS, List.of(price), 1, List.of(), false, null, List.of(66), false);
    assertThat(ChunkSql.rangeBinds(onOracle, range)).as("bound as numbers").containsExactly(new BigDecimal("1.5"), new BigDecimal("-0.25"));
    SideTable onPostgres = new SideTable(postgres, new TableRef("shop", "items"), List.of(new Column("price", "numeric(10,2)", ColumnKind.NUMBER)), 1,
        List.of(), false, null, List.of(66), false);
    assertThat(ChunkSql.rangeBinds(onPostgres, range)).containsExactly("1.5", "-0.25");
    assertThat(ChunkSql.rangeBinds(onOracle, new KeyRange(List.of("3"), null))).containsExactly(new BigDecimal("3"));
  }

  @Test
  void shouldFormatDatesWithDigitsOnlyInTheGregorianCalendar() {
    Pattern digitsOnly = Pattern.compile("'YYYY-MM-DD\"T\"HH24:MI:SS(\\.FF6|\".000000\")'");
    for (ColumnKind kind : List.of(ColumnKind.DATE, ColumnKind.TIMESTAMP, ColumnKind.TIMESTAMP_TZ)) {
      Column column = new Column("AT", "x", kind);
      assertThat(digitsOnly.matcher(oracle.normalised(column)).find()).as(kind + " written").isTrue();
      assertThat(digitsOnly.matcher(oracle.fromNormalised(column)).find()).as(kind + " read").isTrue();
    }
    assertThat(OracleCompareSql.SESSION_SETTINGS).as("no format model carries the calendar").contains("NLS_CALENDAR = 'GREGORIAN'")
        .contains("NLS_COMP = BINARY");
  }

  @Test
  void shouldTakeALobsDigestAsItsTextAndNeverHashItAgain() {
    Column id = new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER);
    Column clob = new Column("NOTE", "CLOB", oracle.kindOf("CLOB", "CLOB"));
    Column pgId = new Column("id", "bigint", ColumnKind.NUMBER);
    Column text = new Column("note", "text", ColumnKind.TEXT);
    List<Integer> widths = RowText.widths(List.of(id, clob), List.of(pgId, text));

    String onOracle = RowText.of(oracle, List.of(id, clob), widths);
    String onPostgres = RowText.of(postgres, List.of(pgId, text), widths);

    assertThat(onOracle).endsWith(" || '|' || COALESCE(CASE WHEN DBMS_LOB.GETLENGTH(\"NOTE\") > 0 THEN LOWER(RAWTOHEX(SYS.DBMS_CRYPTO.HASH(\"NOTE\", 2)))"
        + " END, '~')").doesNotContain("STANDARD_HASH");
    assertThat(onPostgres).as("the text's MD5 once, empty as NULL, as the CLOB's")
        .endsWith(" || '|' || CASE WHEN NULLIF(\"note\"::text, '') IS NULL THEN '~' ELSE md5(NULLIF(\"note\"::text, '')) END");
    Column shortText = new Column("note", "character varying(20)", ColumnKind.TEXT);
    assertThat(RowText.of(postgres, List.of(pgId, shortText), RowText.widths(List.of(id, clob), List.of(pgId, shortText))))
        .as("short text against a LOB is hashed too").endsWith("ELSE md5(NULLIF(\"note\"::text, '')) END");
    Column blob = new Column("DOC", "BLOB", ColumnKind.BINARY);
    Column bytea = new Column("doc", "bytea", ColumnKind.BINARY);
    assertThat(RowText.of(postgres, List.of(pgId, bytea), RowText.widths(List.of(id, blob), List.of(pgId, bytea))))
        .endsWith(" || '|' || COALESCE(md5(\"doc\"), '~')");
    assertThat(oracle.normalised(new Column("H", "RAW", ColumnKind.BINARY))).as("RAW needs no DBMS_CRYPTO")
        .isEqualTo("LOWER(RAWTOHEX(STANDARD_HASH(\"H\", 'MD5')))");
  }

  @Test
  void shouldHashNationalTextInTheDatabaseCharacterSet() {
    assertThat(oracle.normalised(new Column("NAME", "NVARCHAR2(40)", ColumnKind.TEXT))).isEqualTo("TO_CHAR(\"NAME\")");
    assertThat(oracle.normalised(new Column("CODE", "NCHAR(4)", ColumnKind.CHAR))).isEqualTo("RTRIM(TO_CHAR(\"CODE\"))");
    assertThat(oracle.normalised(new Column("NAME", "VARCHAR2(40)", ColumnKind.TEXT))).isEqualTo("\"NAME\"");
    String row = RowText.of(oracle, List.of(new Column("NAME", "NVARCHAR2(40)", ColumnKind.TEXT)), List.of(322));
    assertThat(row).as("no national text in the row's text, which would make it all UTF-16").doesNotContain("REPLACE(\"NAME\"");

    assertThat(TablePreparation.characterSetRefusal(Dialect.ORACLE, "WE8MSWIN1252", Dialect.POSTGRESQL, null))
        .isEqualTo("the source's Oracle database character set is WE8MSWIN1252: its text hashes as PostgreSQL's UTF-8 text only in AL32UTF8,"
            + " so it cannot be compared with PostgreSQL");
    assertThat(TablePreparation.characterSetRefusal(Dialect.POSTGRESQL, null, Dialect.ORACLE, "UTF8")).as("CESU-8 is not UTF-8")
        .startsWith("the destination's Oracle database character set is UTF8");
    assertThat(TablePreparation.characterSetRefusal(Dialect.POSTGRESQL, null, Dialect.ORACLE, "AL32UTF8")).isNull();
    assertThat(TablePreparation.characterSetRefusal(Dialect.ORACLE, "AL32UTF8", Dialect.POSTGRESQL, null)).isNull();
    assertThat(TablePreparation.characterSetRefusal(Dialect.ORACLE, "WE8ISO8859P1", Dialect.ORACLE, "WE8ISO8859P1")).isNull();
    assertThat(TablePreparation.characterSetRefusal(Dialect.ORACLE, "WE8ISO8859P1", Dialect.ORACLE, "AL32UTF8"))
        .isEqualTo("the source's database character set is WE8ISO8859P1 and the destination's AL32UTF8: their text hashes differently,"
            + " so they cannot be compared");
    assertThat(TablePreparation.characterSetRefusal(Dialect.POSTGRESQL, null, Dialect.POSTGRESQL, null)).isNull();
  }

  @Test
  void shouldBoundCharKeysWithBlankPaddedComparison() {
    KeyRange range = new KeyRange(List.of("AB"), null);

    assertThat(ChunkSql.where(oracle, List.of(new Column("CODE", "CHAR(6)", ColumnKind.CHAR)), range, null, false))
        .isEqualTo(" WHERE \"CODE\" >= CAST(? AS CHAR(6 CHAR))");
    assertThat(ChunkSql.where(oracle, List.of(new Column("CODE", "NCHAR(4)", ColumnKind.CHAR)), range, null, false))
        .isEqualTo(" WHERE \"CODE\" >= CAST(? AS NCHAR(4))");
    assertThat(ChunkSql.where(oracle, List.of(new Column("CODE", "VARCHAR2(6)", ColumnKind.TEXT)), range, null, false))
        .isEqualTo(" WHERE \"CODE\" >= ?");
  }

  @Test
  void shouldRenderBooleansAsPostgresDoes() {
    assertThat(oracle.kindOf("BOOLEAN", "BOOLEAN")).isEqualTo(ColumnKind.BOOLEAN);
    assertThat(oracle.normalised(new Column("OK", "BOOLEAN", ColumnKind.BOOLEAN))).isEqualTo("CASE WHEN \"OK\" THEN '1' WHEN NOT \"OK\" THEN '0' END");
    assertThat(postgres.normalised(new Column("ok", "boolean", ColumnKind.BOOLEAN))).isEqualTo("CASE \"ok\" WHEN true THEN '1' WHEN false THEN '0' END");
    assertThat(oracle.fromNormalised(new Column("OK", "BOOLEAN", ColumnKind.BOOLEAN))).isEqualTo("TO_BOOLEAN(?)");
  }

  @Test
  void shouldTakeANumberOfScaleZeroWithoutPrecisionAsAWholeNumber() {
    assertThat(oracle.columnsQuery()).contains("WHEN data_type = 'NUMBER' AND data_scale = 0 THEN '(*,0)'");
    assertThat(oracle.isInteger(new Column("ID", "NUMBER(*,0)", ColumnKind.NUMBER))).as("declared INTEGER").isTrue();
    assertThat(oracle.isInteger(new Column("ID", "NUMBER(5,-2)", ColumnKind.NUMBER))).isTrue();
    assertThat(oracle.isInteger(new Column("ID", "NUMBER(38,0)", ColumnKind.NUMBER))).isTrue();
    assertThat(oracle.isInteger(new Column("ID", "NUMBER", ColumnKind.NUMBER))).as("any scale").isFalse();
    assertThat(oracle.isInteger(new Column("ID", "NUMBER(10,2)", ColumnKind.NUMBER))).isFalse();
    assertThat(oracle.isInteger(new Column("ID", "FLOAT", ColumnKind.NUMBER))).isFalse();
    assertThat(oracle.kindOf("NUMBER", "NUMBER(*,0)")).isEqualTo(ColumnKind.NUMBER);
  }

  @Test
  void shouldAskTheCatalogForEveryPrivilegeAComparisonUses() {
    assertThat(OracleCompareSql.PRIVILEGES_QUERY)
        .startsWith("SELECT USER, (SELECT COUNT(*) FROM session_privs WHERE privilege IN ('READ ANY TABLE', 'SELECT ANY TABLE')),")
        .contains("FROM all_tab_privs WHERE table_schema = ? AND table_name = ? AND privilege IN ('READ', 'SELECT')"
            + " AND (grantee = USER OR grantee = 'PUBLIC' OR grantee IN (SELECT role FROM session_roles))")
        .contains("FROM all_tab_privs WHERE table_schema = 'SYS' AND table_name = 'DBMS_CRYPTO' AND privilege = 'EXECUTE'"
            + " AND (grantee = USER OR grantee = 'PUBLIC' OR grantee IN (SELECT role FROM session_roles))")
        .endsWith(" FROM DUAL");
  }

  @Test
  void shouldNameEachMissingPrivilege() {
    List<Column> plain = List.of(new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER), new Column("H", "RAW", ColumnKind.BINARY));
    List<Column> lobs = List.of(new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER), new Column("DOC", "BLOB", ColumnKind.BINARY),
        new Column("NOTE", "CLOB", ColumnKind.BINARY));

    assertThat(OracleCompareSql.missing(new Privileges("REBOUND_COMPARE", 0, 0, 0), ITEMS, lobs)).containsExactly("READ (or SELECT) on SHOP.ITEMS",
        "EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB columns DOC, NOTE)");
    assertThat(OracleCompareSql.missing(new Privileges("REBOUND_COMPARE", 0, 0, 0), ITEMS, lobs.subList(0, 2)))
        .containsExactly("READ (or SELECT) on SHOP.ITEMS", "EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB column DOC)");
    assertThat(OracleCompareSql.missing(new Privileges("REBOUND_COMPARE", 0, 0, 0), ITEMS, plain)).as("RAW is hashed without DBMS_CRYPTO")
        .containsExactly("READ (or SELECT) on SHOP.ITEMS");
    assertThat(OracleCompareSql.missing(new Privileges("SHOP", 0, 0, 0), ITEMS, plain)).as("the owner reads").isEmpty();
    assertThat(OracleCompareSql.missing(new Privileges("REBOUND_COMPARE", 1, 0, 0), ITEMS, plain)).as("READ ANY TABLE").isEmpty();
    assertThat(OracleCompareSql.missing(new Privileges("REBOUND_COMPARE", 0, 1, 1), ITEMS, lobs)).isEmpty();
    assertThat(OracleCompareSql.missing(new Privileges("SYSTEM", 1, 0, 0), ITEMS, lobs)).as("DBA and SYSTEM need DBMS_CRYPTO granted")
        .containsExactly("EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB columns DOC, NOTE)");
    assertThat(OracleCompareSql.missing(new Privileges("SYS", 1, 0, 0), ITEMS, lobs)).as("its owner").isEmpty();
  }
}
