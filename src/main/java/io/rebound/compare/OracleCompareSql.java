package io.rebound.compare;

import io.rebound.target.Dialect;
import io.rebound.target.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.stereotype.Component;

/**
 * Comparison SQL for Oracle (12c and later: {@code STANDARD_HASH}). Sessions compare text in binary order
 * ({@code NLS_COMP=BINARY}), like PostgreSQL's {@code "C"} collation. The row text is a VARCHAR2, so a
 * row's normalised text must fit in 4000 bytes (32767 with {@code MAX_STRING_SIZE=EXTENDED}).
 */
@Component
public class OracleCompareSql implements CompareSql {

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  @Override
  public String columnsQuery() {
    return "SELECT column_name, data_type || CASE WHEN data_type IN ('VARCHAR2', 'CHAR', 'NVARCHAR2', 'NCHAR') THEN '(' || char_length || ')'"
        + " WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')' END,"
        + " data_type FROM all_tab_columns WHERE owner = ? AND table_name = ? ORDER BY column_id";
  }

  @Override
  public String primaryKeyQuery() {
    return "SELECT cc.column_name FROM all_constraints c JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name"
        + " WHERE c.owner = ? AND c.table_name = ? AND c.constraint_type = 'P' ORDER BY cc.position";
  }

  @Override
  public ColumnKind kindOf(String catalogType, String declaredType) {
    if (catalogType.startsWith("TIMESTAMP")) {
      return catalogType.contains("TIME ZONE") ? ColumnKind.TIMESTAMP_TZ : ColumnKind.TIMESTAMP;
    }
    return switch (catalogType) {
      case "NUMBER", "INTEGER", "FLOAT" -> ColumnKind.NUMBER;
      case "VARCHAR2", "NVARCHAR2" -> ColumnKind.TEXT;
      case "CHAR", "NCHAR" -> ColumnKind.CHAR;
      case "DATE" -> ColumnKind.DATE;
      case "BLOB", "CLOB", "NCLOB", "RAW" -> ColumnKind.BINARY;
      default -> ColumnKind.OTHER;
    };
  }

  @Override
  public String normalised(Column column) {
    String c = '"' + column.name() + '"';
    return switch (column.kind()) {
      // TM9 is the shortest text, but writes 0.5 as .5: the leading zero is put back to match PostgreSQL.
      case NUMBER -> "REGEXP_REPLACE(TO_CHAR(" + c + ", 'TM9'), '^(-?)\\.', '\\10.')";
      case TEXT -> c;
      case CHAR -> "RTRIM(" + c + ")";
      // Seconds precision, written with a zero fraction so that it meets a timestamp of the same instant.
      case DATE, DAY -> "TO_CHAR(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"')";
      case TIMESTAMP -> "TO_CHAR(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      case TIMESTAMP_TZ -> "TO_CHAR(SYS_EXTRACT_UTC(" + c + "), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      case BOOLEAN -> "CASE WHEN " + c + " THEN '1' WHEN NOT " + c + " THEN '0' END";
      // LOBs do not fit STANDARD_HASH; DBMS_CRYPTO (EXECUTE needed) hashes their content.
      case BINARY -> "LOWER(RAWTOHEX(DBMS_CRYPTO.HASH(" + c + ", 2)))";
      case OTHER -> "TO_CHAR(" + c + ")";
    };
  }

  @Override
  public String fromNormalised(Column column) {
    return switch (column.kind()) {
      case NUMBER -> "TO_NUMBER(?)";
      case DATE, DAY -> "CAST(TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6') AS DATE)";
      case TIMESTAMP -> "TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      case TIMESTAMP_TZ -> "FROM_TZ(TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6'), 'UTC')";
      default -> "?";
    };
  }

  @Override
  public String ordered(String expression, Column column) {
    return expression;
  }

  @Override
  public String md5(String text) {
    return "LOWER(RAWTOHEX(STANDARD_HASH(" + text + ", 'MD5')))";
  }

  @Override
  public String md5Sums(String subquery, boolean bucketed) {
    String sums = "COUNT(*), SUM(TO_NUMBER(SUBSTR(h, 1, 15), 'XXXXXXXXXXXXXXX')), SUM(TO_NUMBER(SUBSTR(h, 16, 15), 'XXXXXXXXXXXXXXX'))"
        + " FROM (" + subquery + ")";
    return bucketed ? "SELECT b, " + sums + " GROUP BY b" : "SELECT 0, " + sums;
  }

  /**
   * From the optimizer statistics, where they are not stale ({@code ALL_TAB_STATISTICS}: Oracle marks them
   * stale once about a tenth of the rows changed since they were gathered); null otherwise, and the rows are
   * counted. Stale figures of a table loaded since would cut it into a few huge chunks.
   */
  @Override
  public Long estimatedRows(Connection connection, TableRef table) throws SQLException {
    return CompareSql.positive(Jdbc.queryString(connection, "SELECT num_rows FROM all_tab_statistics"
        + " WHERE owner = ? AND table_name = ? AND object_type = 'TABLE' AND stale_stats = 'NO'", table.schema(), table.table()));
  }

  /**
   * Rows times their average length, from the same fresh statistics: LOBs stored out of line are not in
   * AVG_ROW_LEN, so a table of large LOBs is sized as if they were small.
   */
  @Override
  public Long estimatedBytes(Connection connection, TableRef table) throws SQLException {
    return CompareSql.positive(Jdbc.queryString(connection, "SELECT num_rows * avg_row_len FROM all_tab_statistics"
        + " WHERE owner = ? AND table_name = ? AND object_type = 'TABLE' AND stale_stats = 'NO'", table.schema(), table.table()));
  }

  /** Separate subqueries: Oracle reads one end of an index (MIN/MAX) per query block. */
  @Override
  public String keyEndsQuery(String table, String column) {
    return "SELECT (SELECT MIN(" + column + ") FROM " + table + "), (SELECT MAX(" + column + ") FROM " + table + ") FROM DUAL";
  }

  @Override
  public String slice(String key, String lower, String width) {
    return "FLOOR((" + key + " - " + lower + ") / " + width + ")";
  }

  @Override
  public String hexPrefixNumber(String hex, int digits) {
    return "TO_NUMBER(SUBSTR(" + hex + ", 1, " + digits + "), '" + "X".repeat(digits) + "')";
  }

  @Override
  public boolean isInteger(Column column) {
    return column.type().equals("INTEGER") || column.type().matches("NUMBER\\(\\d+,0\\)");
  }


  /**
   * Oracle has no statement timeout of a session: every statement the returned connection creates is given
   * the statement timeout as its JDBC query timeout, and the driver cancels it when that passes (ORA-01013).
   * There is no lock timeout to set: a query reads a consistent version of the rows and never waits for a
   * row or table lock, and DDL_LOCK_TIMEOUT bounds only DDL, which a comparison does not run.
   */
  @Override
  public Connection beginReadOnly(Connection connection, SessionLimits limits) throws SQLException {
    connection.setAutoCommit(false);
    Connection bounded = TimedConnection.of(connection, limits.statementTimeout());
    try (Statement statement = bounded.createStatement()) {
      statement.execute("ALTER SESSION SET NLS_COMP = BINARY NLS_SORT = BINARY");
      statement.execute("SET TRANSACTION READ ONLY");
    }
    return bounded;
  }
}
