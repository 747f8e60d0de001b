package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.compare.TableComparator.Options;
import io.rebound.compare.TableComparator.Side;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oracle.OracleContainer;

/**
 * The same data in Oracle and in PostgreSQL must hash the same: numbers of different scale, CHAR padding,
 * '' as NULL, a DATE against a timestamp(6), time zones; and a row too long for one VARCHAR2 (a 3900-byte
 * column besides the others) must hash at all. Needs Docker; skipped where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class OracleComparisonIT {

  @Container
  static final OracleContainer oracle = new OracleContainer("gvenzl/oracle-free:23-faststart").withStartupTimeout(Duration.ofMinutes(10));

  static EmbeddedPostgres postgres;

  @BeforeAll
  static void createTables() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection ora = oracle(); Statement statement = ora.createStatement()) {
      statement.execute("CREATE TABLE ITEMS (ID NUMBER(10,0) PRIMARY KEY, NAME VARCHAR2(50), PRICE NUMBER(10,2), CODE CHAR(6),"
          + " MADE DATE, SEEN TIMESTAMP(6), AT TIMESTAMP(6) WITH TIME ZONE, NOTE VARCHAR2(20), DESCR VARCHAR2(4000))");
      statement.execute("INSERT INTO ITEMS SELECT LEVEL, 'item ' || LEVEL, MOD(LEVEL, 1000) / 10, 'c' || MOD(LEVEL, 7),"
          + " DATE '2026-01-01' + LEVEL / 1440, TIMESTAMP '2026-01-01 00:00:00.123456' + NUMTODSINTERVAL(LEVEL, 'SECOND'),"
          + " FROM_TZ(TIMESTAMP '2026-01-01 12:00:00', '+02:00') + NUMTODSINTERVAL(LEVEL, 'MINUTE'),"
          + " CASE WHEN MOD(LEVEL, 5) = 0 THEN NULL ELSE 'n' || LEVEL END,"
          + " CASE WHEN MOD(LEVEL, 100) = 0 THEN RPAD('d' || LEVEL, 3900, 'x') END FROM dual CONNECT BY LEVEL <= 3000");
    }
    try (Connection pg = postgres.getPostgresDatabase().getConnection(); Statement statement = pg.createStatement()) {
      statement.execute("CREATE SCHEMA \"system\"");
      statement.execute("CREATE TABLE \"system\".items (id bigint PRIMARY KEY, name text, price numeric(12,4), code char(10),"
          + " made timestamp(6), seen timestamp(6), at timestamptz, note varchar(20), descr text)");
      statement.execute("INSERT INTO \"system\".items SELECT i, 'item ' || i, (i % 1000) / 10.0, 'c' || (i % 7),"
          + " timestamp '2026-01-01' + i * interval '1 minute', timestamp '2026-01-01 00:00:00.123456' + i * interval '1 second',"
          + " timestamptz '2026-01-01 10:00:00+00' + i * interval '1 minute',"
          + " CASE WHEN i % 5 = 0 THEN '' ELSE 'n' || i END,"
          + " CASE WHEN i % 100 = 0 THEN rpad('d' || i, 3900, 'x') END FROM generate_series(1, 3000) i");
      statement.execute("UPDATE \"system\".items SET price = price + 0.01 WHERE id = 1234");
      statement.execute("UPDATE \"system\".items SET descr = descr || '!' WHERE id = 2500");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void shouldHashEqualDataEquallyAcrossDialects() throws Exception {
    TableComparator comparator = TableComparator.withOwnThreads();
    OracleCompareSql oracleSql = new OracleCompareSql();
    PostgresCompareSql postgresSql = new PostgresCompareSql();
    try (Connection ora = oracle(); Connection pg = postgres.getPostgresDatabase().getConnection()) {
      Connection oraSession = oracleSql.beginReadOnly(ora, SessionLimits.DEFAULT);
      postgresSql.beginReadOnly(pg, SessionLimits.DEFAULT);
      Side source = new Side(oraSession, oracleSql);
      Side destination = new Side(pg, postgresSql);
      PreparedTable table = comparator.prepare(source, destination, new TableSpec("system.items", List.of(), List.of(), null, 500));
      assertThat(table.typedHash()).isFalse();
      assertThat(table.bucketByModulo()).isTrue();
      ChunkResult total = ChunkResult.EMPTY;
      for (KeyRange range : comparator.chunks(source, table, 500, Long.MAX_VALUE)) {
        total = total.plus(comparator.compare(source, destination, table, range, Options.DEFAULT), 20);
      }
      assertThat(total.sourceRows()).isEqualTo(3000);
      assertThat(total.destinationRows()).isEqualTo(3000);
      assertThat(total.differentKeys()).containsExactlyInAnyOrder("1234", "2500");
      assertThat(total.missingInDestination() + total.missingInSource()).isZero();
    }
  }

  @Test
  void shouldSizeChunksFromStatisticsOnlyWhenThereAreFreshOnes() throws Exception {
    OracleCompareSql oracleSql = new OracleCompareSql();
    try (Connection ora = oracle(); Statement statement = ora.createStatement()) {
      statement.execute("CREATE TABLE SIZED (ID NUMBER(10,0) PRIMARY KEY)");
      statement.execute("INSERT INTO SIZED SELECT LEVEL FROM dual CONNECT BY LEVEL <= 2000");
      TableRef sized = new TableRef("SYSTEM", "SIZED");
      assertThat(oracleSql.estimatedRows(ora, sized)).as("none yet, or gathered online by the load").isIn(null, 2000L);

      statement.execute("BEGIN DBMS_STATS.GATHER_TABLE_STATS('SYSTEM', 'SIZED'); END;");

      assertThat(oracleSql.estimatedRows(ora, sized)).isEqualTo(2000L);
    }
  }

  private static Connection oracle() throws SQLException {
    return DriverManager.getConnection(oracle.getJdbcUrl(), "system", oracle.getPassword());
  }
}
