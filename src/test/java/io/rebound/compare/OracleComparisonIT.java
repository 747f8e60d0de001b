package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.compare.TableComparator.Options;
import io.rebound.compare.TableComparator.Side;
import io.rebound.runbook.InvalidInputException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oracle.OracleContainer;

/**
 * The same data in Oracle and in PostgreSQL must hash the same: numbers of different scale, decimal keys,
 * INTEGER keys, CHAR padding and CHAR keys at chunk bounds, '' as NULL, a DATE against a timestamp(6), time
 * zones, national text beyond ASCII, a CLOB against text, booleans; a row too long for one VARCHAR2 must
 * hash at all; more than a thousand differing buckets must be drilled; and all of it from an Oracle session
 * whose territory writes decimals with a comma and whose calendar is not Gregorian. Types that cannot be
 * compared and missing privileges are refused before anything is read. Needs Docker; skipped where there is
 * none.
 */
@Testcontainers(disabledWithoutDocker = true)
class OracleComparisonIT {

  @Container
  static final OracleContainer oracle = new OracleContainer("gvenzl/oracle-free:23-faststart").withStartupTimeout(Duration.ofMinutes(10));

  static EmbeddedPostgres postgres;

  static final String COMPARE = "rebound_compare";
  static final String NO_CRYPTO = "rebound_nocrypto";
  static final String PASSWORD = "Compare-Pw-1";

  @BeforeAll
  static void createTables() throws Exception {
    postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    try (Connection ora = system(); Statement statement = ora.createStatement()) {
      statement.execute("CREATE USER shop IDENTIFIED BY \"Shop-Pw-1\" QUOTA UNLIMITED ON users");
      for (String account : List.of(COMPARE, NO_CRYPTO)) {
        statement.execute("CREATE USER " + account + " IDENTIFIED BY \"" + PASSWORD + "\"");
        statement.execute("GRANT CREATE SESSION TO " + account);
      }
      statement.execute("CREATE TABLE shop.items (id NUMBER(10,0) PRIMARY KEY, name NVARCHAR2(50), price NUMBER(10,2), code CHAR(6),"
          + " made DATE, seen TIMESTAMP(6), at TIMESTAMP(6) WITH TIME ZONE, note VARCHAR2(20), descr VARCHAR2(4000), body CLOB, ok BOOLEAN)");
      statement.execute("INSERT INTO shop.items SELECT LEVEL, UNISTR('item \\00FC\\20AC\\65E5 ') || LEVEL, MOD(LEVEL, 1000) / 10, 'c' || MOD(LEVEL, 7),"
          + " DATE '2026-01-01' + LEVEL / 1440, TIMESTAMP '2026-01-01 00:00:00.123456' + NUMTODSINTERVAL(LEVEL, 'SECOND'),"
          + " FROM_TZ(TIMESTAMP '2026-01-01 12:00:00', '+02:00') + NUMTODSINTERVAL(LEVEL, 'MINUTE'),"
          + " CASE WHEN MOD(LEVEL, 5) = 0 THEN NULL ELSE 'n' || LEVEL END,"
          + " CASE WHEN MOD(LEVEL, 100) = 0 THEN RPAD('d' || LEVEL, 3900, 'x') END,"
          + " CASE WHEN MOD(LEVEL, 3) = 0 THEN NULL WHEN MOD(LEVEL, 3) = 1"
          + " THEN TO_CLOB(RPAD('b', 3000, 'x')) || TO_CLOB(RPAD('c', 3000, 'y')) || TO_CLOB(UNISTR('\\00FC') || LEVEL) ELSE EMPTY_CLOB() END,"
          + " CASE WHEN MOD(LEVEL, 2) = 0 THEN TRUE ELSE FALSE END FROM dual CONNECT BY LEVEL <= 3000");
      statement.execute("CREATE TABLE shop.amounts (amount NUMBER(12,3) PRIMARY KEY, qty NUMBER(10))");
      statement.execute("INSERT INTO shop.amounts SELECT LEVEL / 8, LEVEL FROM dual CONNECT BY LEVEL <= 3000");
      statement.execute("CREATE TABLE shop.counted (id INTEGER PRIMARY KEY, label VARCHAR2(10))");
      statement.execute("INSERT INTO shop.counted SELECT LEVEL, 'l' || LEVEL FROM dual CONNECT BY LEVEL <= 2000");
      statement.execute("CREATE TABLE shop.lines (code CHAR(6), line NUMBER(6), qty NUMBER(6), PRIMARY KEY (code, line))");
      statement.execute("INSERT INTO shop.lines SELECT 'C' || MOD(LEVEL, 40), LEVEL, MOD(LEVEL, 9) FROM dual CONNECT BY LEVEL <= 2000");
      statement.execute("CREATE TABLE shop.many (k VARCHAR2(20) PRIMARY KEY, val NUMBER(10))");
      statement.execute("INSERT INTO shop.many SELECT 'k' || LEVEL, LEVEL FROM dual CONNECT BY LEVEL <= 6000");
      statement.execute("CREATE TABLE shop.legacy (id NUMBER(10) PRIMARY KEY, body LONG)");
      statement.execute("INSERT INTO shop.legacy VALUES (1, 'old')");
      statement.execute("CREATE TABLE shop.secret (id NUMBER(10) PRIMARY KEY)");
      for (String table : List.of("items", "amounts", "counted", "lines", "many", "legacy")) {
        statement.execute("GRANT READ ON shop." + table + " TO " + COMPARE);
      }
      statement.execute("GRANT READ ON shop.items TO " + NO_CRYPTO);
      statement.execute("GRANT INSERT ON shop.secret TO " + COMPARE);
    }
    try (Connection sys = sys(); Statement statement = sys.createStatement()) {
      statement.execute("GRANT EXECUTE ON SYS.DBMS_CRYPTO TO " + COMPARE);
    }
    try (Connection pg = postgres.getPostgresDatabase().getConnection(); Statement statement = pg.createStatement()) {
      statement.execute("CREATE SCHEMA shop");
      statement.execute("CREATE TABLE shop.items (id bigint PRIMARY KEY, name varchar(50), price numeric(12,4), code char(10),"
          + " made timestamp(6), seen timestamp(6), at timestamptz, note varchar(20), descr text, body text, ok boolean)");
      statement.execute("INSERT INTO shop.items SELECT i, U&'item \\00FC\\20AC\\65E5 ' || i, (i % 1000) / 10.0, 'c' || (i % 7),"
          + " timestamp '2026-01-01' + i * interval '1 minute', timestamp '2026-01-01 00:00:00.123456' + i * interval '1 second',"
          + " timestamptz '2026-01-01 10:00:00+00' + i * interval '1 minute',"
          + " CASE WHEN i % 5 = 0 THEN '' ELSE 'n' || i END,"
          + " CASE WHEN i % 100 = 0 THEN rpad('d' || i, 3900, 'x') END,"
          + " CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN rpad('b', 3000, 'x') || rpad('c', 3000, 'y') || U&'\\00FC' || i ELSE '' END,"
          + " i % 2 = 0 FROM generate_series(1, 3000) i");
      statement.execute("UPDATE shop.items SET price = price + 0.01 WHERE id = 1234");
      statement.execute("UPDATE shop.items SET descr = descr || '!' WHERE id = 2500");
      statement.execute("UPDATE shop.items SET body = body || '!' WHERE id = 2701");
      statement.execute("UPDATE shop.items SET ok = NOT ok WHERE id = 42");
      statement.execute("CREATE TABLE shop.amounts (amount numeric(12,3) PRIMARY KEY, qty bigint)");
      statement.execute("INSERT INTO shop.amounts SELECT i / 8.0, i FROM generate_series(1, 3000) i");
      statement.execute("UPDATE shop.amounts SET qty = qty + 1 WHERE amount = 100");
      statement.execute("CREATE TABLE shop.counted (id bigint PRIMARY KEY, label varchar(10))");
      statement.execute("INSERT INTO shop.counted SELECT i, 'l' || i FROM generate_series(1, 2000) i");
      statement.execute("UPDATE shop.counted SET label = 'changed' WHERE id = 1500");
      statement.execute("CREATE TABLE shop.lines (code char(6), line integer, qty integer, PRIMARY KEY (code, line))");
      statement.execute("INSERT INTO shop.lines SELECT 'C' || (i % 40), i, i % 9 FROM generate_series(1, 2000) i");
      statement.execute("CREATE TABLE shop.many (k varchar(20) PRIMARY KEY, val integer)");
      statement.execute("INSERT INTO shop.many SELECT 'k' || i, i + 1 FROM generate_series(1, 6000) i");
      statement.execute("CREATE TABLE shop.legacy (id bigint PRIMARY KEY, body text)");
      statement.execute("INSERT INTO shop.legacy VALUES (1, 'old')");
      statement.execute("CREATE TABLE shop.secret (id bigint PRIMARY KEY)");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void shouldHashEqualDataEquallyAcrossDialects() throws Exception {
    Compared items = compare(COMPARE, new TableSpec("shop.items", List.of(), List.of(), null, 500));

    assertThat(items.table().typedHash()).isFalse();
    assertThat(items.table().bucketByModulo()).isTrue();
    assertThat(items.result().sourceRows()).isEqualTo(3000);
    assertThat(items.result().destinationRows()).isEqualTo(3000);
    assertThat(items.result().differentKeys()).as("a boolean, a decimal, a long text, a CLOB").containsExactlyInAnyOrder("42", "1234", "2500", "2701");
    assertThat(items.result().missingInDestination() + items.result().missingInSource()).isZero();
  }

  @Test
  void shouldBoundDecimalKeysAndWriteDecimalsAsPostgresDoesWhateverTheSessionsTerritory() throws Exception {
    Compared amounts = compare(COMPARE, new TableSpec("shop.amounts", List.of(), List.of(), null, 500));

    assertThat(amounts.table().bucketByModulo()).isFalse();
    assertThat(amounts.result().sourceRows()).isEqualTo(3000);
    assertThat(amounts.result().differentKeys()).containsExactly("100");
    assertThat(amounts.result().missingInDestination() + amounts.result().missingInSource()).isZero();
  }

  @Test
  void shouldChunkAnIntegerKeyArithmetically() throws Exception {
    Compared counted = compare(COMPARE, new TableSpec("shop.counted", List.of(), List.of(), null, 300));

    assertThat(counted.table().sourceColumns().get(0).type()).isEqualTo("NUMBER(*,0)");
    assertThat(counted.table().bucketByModulo()).isTrue();
    assertThat(counted.result().sourceRows()).isEqualTo(2000);
    assertThat(counted.result().differentKeys()).containsExactly("1500");
  }

  @Test
  void shouldPutRowsAtTheBoundsOfACharKeyInTheSameChunksOnBothSides() throws Exception {
    Compared lines = compare(COMPARE, new TableSpec("shop.lines", List.of(), List.of(), null, 150));

    assertThat(lines.chunks()).isGreaterThan(10);
    assertThat(lines.result().sourceRows()).isEqualTo(2000);
    assertThat(lines.result().destinationRows()).isEqualTo(2000);
    assertThat(lines.result().differences()).isZero();
  }

  @Test
  void shouldDrillMoreThanAThousandDifferingBuckets() throws Exception {
    Compared many = compare(COMPARE, new TableSpec("shop.many", List.of(), List.of(), null, 10_000));

    assertThat(many.chunks()).isEqualTo(1);
    assertThat(many.result().different()).isEqualTo(6000);
    assertThat(many.result().missingInDestination() + many.result().missingInSource()).isZero();
  }

  @Test
  void shouldRefuseALongColumnUnlessItIsLeftOut() throws Exception {
    assertThatThrownBy(() -> compare(COMPARE, new TableSpec("shop.legacy", List.of(), List.of(), null, 100)))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("column BODY of the source's SHOP.LEGACY has type LONG");

    Compared legacy = compare(COMPARE, new TableSpec("shop.legacy", List.of(), List.of("id"), null, 100));

    assertThat(legacy.result().sourceRows()).isEqualTo(1);
    assertThat(legacy.result().differences()).isZero();
  }

  @Test
  void shouldNameAMissingPrivilegeBeforeReadingAnything() {
    assertThatThrownBy(() -> compare(COMPARE, new TableSpec("shop.secret", List.of("id"), List.of(), null, 100)))
        .isInstanceOf(InvalidInputException.class).hasMessage("the account comparisons connect as on the source lacks READ (or SELECT) on SHOP.SECRET");
    assertThatThrownBy(() -> compare(NO_CRYPTO, new TableSpec("shop.items", List.of(), List.of(), null, 500)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the account comparisons connect as on the source lacks EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB column BODY)");
  }

  @Test
  void shouldSizeChunksFromStatisticsOnlyWhenThereAreFreshOnes() throws Exception {
    OracleCompareSql oracleSql = new OracleCompareSql();
    try (Connection ora = system(); Statement statement = ora.createStatement()) {
      statement.execute("CREATE TABLE SIZED (ID NUMBER(10,0) PRIMARY KEY)");
      statement.execute("INSERT INTO SIZED SELECT LEVEL FROM dual CONNECT BY LEVEL <= 2000");
      TableRef sized = new TableRef("SYSTEM", "SIZED");
      assertThat(oracleSql.estimatedRows(ora, sized)).as("none yet, or gathered online by the load").isIn(null, 2000L);

      statement.execute("BEGIN DBMS_STATS.GATHER_TABLE_STATS('SYSTEM', 'SIZED'); END;");

      assertThat(oracleSql.estimatedRows(ora, sized)).isEqualTo(2000L);
    }
  }

  record Compared(PreparedTable table, ChunkResult result, int chunks) {}

  /**
   * Compares a table as an account, from an Oracle session of a German territory (decimal comma) and a
   * Thai calendar, which the comparison's SQL must not depend on, against PostgreSQL.
   */
  private static Compared compare(String account, TableSpec spec) throws SQLException {
    TableComparator comparator = TableComparator.withOwnThreads();
    OracleCompareSql oracleSql = new OracleCompareSql();
    PostgresCompareSql postgresSql = new PostgresCompareSql();
    try (Connection ora = DriverManager.getConnection(oracle.getJdbcUrl(), account, PASSWORD);
        Connection pg = postgres.getPostgresDatabase().getConnection()) {
      try (Statement statement = ora.createStatement()) {
        statement.execute("ALTER SESSION SET NLS_TERRITORY = 'GERMANY' NLS_CALENDAR = 'Thai Buddha'");
      }
      Connection oraSession = oracleSql.beginReadOnly(ora, SessionLimits.DEFAULT);
      postgresSql.beginReadOnly(pg, SessionLimits.DEFAULT);
      Side source = new Side(oraSession, oracleSql);
      Side destination = new Side(pg, postgresSql);
      PreparedTable table = comparator.prepare(source, destination, spec);
      ChunkResult total = ChunkResult.EMPTY;
      List<KeyRange> chunks = comparator.chunks(source, table, spec.chunkSize(), Long.MAX_VALUE);
      for (KeyRange range : chunks) {
        total = total.plus(comparator.compare(source, destination, table, range, Options.DEFAULT), 20);
      }
      return new Compared(table, total, chunks.size());
    }
  }

  private static Connection system() throws SQLException {
    return DriverManager.getConnection(oracle.getJdbcUrl(), "system", oracle.getPassword());
  }

  /** SYS, which alone can grant EXECUTE on its packages. */
  private static Connection sys() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "sys");
    properties.setProperty("password", oracle.getPassword());
    properties.setProperty("internal_logon", "sysdba");
    return DriverManager.getConnection(oracle.getJdbcUrl(), properties);
  }
}
