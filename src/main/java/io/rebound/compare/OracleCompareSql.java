package io.rebound.compare;

import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.target.Dialect;
import io.rebound.target.Jdbc;
import io.rebound.target.QueryTimeouts;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Comparison SQL for Oracle (12c and later: {@code STANDARD_HASH}). Sessions compare text in binary order
 * ({@code NLS_COMP=BINARY}), like PostgreSQL's {@code "C"} collation. The row text is a VARCHAR2, so a
 * row's normalised text must fit in 4000 bytes (32767 with {@code MAX_STRING_SIZE=EXTENDED}). Nothing read
 * or written depends on the session's NLS settings: numbers are formatted with their decimal character
 * given, bound as numbers, and dates with format models of digits only in the Gregorian calendar.
 */
@Component
public class OracleCompareSql implements CompareSql {

  /**
   * The number format's decimal character, whatever the session's NLS_NUMERIC_CHARACTERS: a session in a
   * German or Russian territory would write {@code 1,5}, where PostgreSQL writes {@code 1.5}.
   */
  static final String NUMERIC_CHARACTERS = "'NLS_NUMERIC_CHARACTERS=''.,'''";

  /** The database character set in which text hashes as PostgreSQL's UTF-8 text does. */
  static final String UNICODE = "AL32UTF8";

  private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  /**
   * Declared types as the rest of the comparison reads them: text with its length in characters, NUMBER
   * with precision and scale, a NUMBER of no precision and scale 0 (declared INTEGER) as
   * {@code NUMBER(*,0)}. A type that belongs to a schema (XMLTYPE, SDO_GEOMETRY, a user's object type) is
   * named with its owner, so that none passes for a built-in type.
   */
  @Override
  public String columnsQuery() {
    String type = "CASE WHEN data_type_owner IS NOT NULL THEN data_type_owner || '.' END || data_type";
    return "SELECT column_name, " + type + " || CASE WHEN data_type_owner IS NOT NULL THEN NULL"
        + " WHEN data_type IN ('VARCHAR2', 'CHAR', 'NVARCHAR2', 'NCHAR') THEN '(' || char_length || ')'"
        + " WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')'"
        + " WHEN data_type = 'NUMBER' AND data_scale = 0 THEN '(*,0)' END, " + type
        + " FROM all_tab_columns WHERE owner = ? AND table_name = ? ORDER BY column_id";
  }

  @Override
  public String primaryKeyQuery() {
    return "SELECT cc.column_name FROM all_constraints c JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name"
        + " WHERE c.owner = ? AND c.table_name = ? AND c.constraint_type = 'P' ORDER BY cc.position";
  }

  /**
   * Built-in types only. Anything else is {@link ColumnKind#UNSUPPORTED}, and a table that compares it is
   * refused before it is read: LONG and LONG RAW, which no SQL function takes; BFILE, whose content is
   * outside the database; object types, XMLTYPE, ANYDATA, JSON, VECTOR, which have no text or hash alike
   * on both sides.
   */
  @Override
  public ColumnKind kindOf(String catalogType, String declaredType) {
    if (catalogType.startsWith("TIMESTAMP")) {
      return catalogType.contains("TIME ZONE") ? ColumnKind.TIMESTAMP_TZ : ColumnKind.TIMESTAMP;
    }
    if (catalogType.startsWith("INTERVAL")) {
      return ColumnKind.OTHER;
    }
    return switch (catalogType) {
      case "NUMBER", "INTEGER", "FLOAT" -> ColumnKind.NUMBER;
      case "VARCHAR2", "NVARCHAR2" -> ColumnKind.TEXT;
      case "CHAR", "NCHAR" -> ColumnKind.CHAR;
      case "DATE" -> ColumnKind.DATE;
      // Oracle 23ai and later.
      case "BOOLEAN" -> ColumnKind.BOOLEAN;
      case "BLOB", "CLOB", "NCLOB", "RAW" -> ColumnKind.BINARY;
      case "BINARY_FLOAT", "BINARY_DOUBLE", "ROWID", "UROWID" -> ColumnKind.OTHER;
      default -> ColumnKind.UNSUPPORTED;
    };
  }

  @Override
  public String normalised(Column column) {
    String c = '"' + column.name() + '"';
    return switch (column.kind()) {
      // TM9 is the shortest text, but writes 0.5 as .5: the leading zero is put back to match PostgreSQL.
      case NUMBER -> "REGEXP_REPLACE(TO_CHAR(" + c + ", 'TM9', " + NUMERIC_CHARACTERS + "), '^(-?)\\.', '\\10.')";
      // National text is in the national character set (UTF-16); in the database's (AL32UTF8) its bytes are UTF-8.
      case TEXT -> national(column) ? "TO_CHAR(" + c + ")" : c;
      case CHAR -> "RTRIM(" + (national(column) ? "TO_CHAR(" + c + ")" : c) + ")";
      // Seconds precision, written with a zero fraction so that it meets a timestamp of the same instant.
      case DATE, DAY -> "TO_CHAR(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000\"')";
      case TIMESTAMP -> "TO_CHAR(" + c + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      case TIMESTAMP_TZ -> "TO_CHAR(SYS_EXTRACT_UTC(" + c + "), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      // As PostgreSQL writes its booleans: 1 and 0.
      case BOOLEAN -> "CASE WHEN " + c + " THEN '1' WHEN NOT " + c + " THEN '0' END";
      case BINARY -> digest(column, c);
      case OTHER -> column.type().startsWith("BINARY_") ? "TO_CHAR(" + c + ", 'TM9', " + NUMERIC_CHARACTERS + ")" : "TO_CHAR(" + c + ")";
      case UNSUPPORTED -> throw new IllegalArgumentException("column " + column.name() + " of type " + column.type() + " cannot be compared");
    };
  }

  /**
   * The MD5 of a binary or LOB column's content. RAW fits STANDARD_HASH; LOBs do not, and DBMS_CRYPTO
   * (EXECUTE granted explicitly, see {@link #missingPrivileges}) hashes them, a character LOB as its text
   * converted to AL32UTF8. An empty character LOB is NULL, as empty text is; a NULL LOB is never handed to
   * DBMS_CRYPTO.
   */
  private static String digest(Column column, String c) {
    String crypto = "LOWER(RAWTOHEX(SYS.DBMS_CRYPTO.HASH(" + c + ", 2)))";
    return switch (column.type()) {
      case "RAW" -> "LOWER(RAWTOHEX(STANDARD_HASH(" + c + ", 'MD5')))";
      case "CLOB", "NCLOB" -> "CASE WHEN DBMS_LOB.GETLENGTH(" + c + ") > 0 THEN " + crypto + " END";
      default -> "CASE WHEN " + c + " IS NOT NULL THEN " + crypto + " END";
    };
  }

  private static boolean national(Column column) {
    return column.type().startsWith("NCHAR") || column.type().startsWith("NVARCHAR2");
  }

  /** Whether a column is hashed by DBMS_CRYPTO, which needs EXECUTE on it. */
  static boolean hashedByCrypto(Column column) {
    return column.kind() == ColumnKind.BINARY && !column.type().equals("RAW");
  }

  /**
   * Numbers are bound as numbers ({@link #bindValue}): no text is read by the session's NLS settings. A CHAR
   * key is compared with a CHAR of its length in characters, so with blank-padded semantics, as its own
   * values sort and as PostgreSQL compares {@code character}; against a VARCHAR2, trailing blanks would
   * count and rows at a chunk's bound would fall into another chunk than on the other side.
   */
  @Override
  public String fromNormalised(Column column) {
    return switch (column.kind()) {
      case CHAR -> {
        Matcher length = LENGTH.matcher(column.type());
        if (!length.find()) {
          yield "?";
        }
        yield national(column) ? "CAST(? AS NCHAR(" + length.group(1) + "))" : "CAST(? AS CHAR(" + length.group(1) + " CHAR))";
      }
      case DATE, DAY -> "CAST(TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6') AS DATE)";
      case TIMESTAMP -> "TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')";
      case TIMESTAMP_TZ -> "FROM_TZ(TO_TIMESTAMP(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6'), 'UTC')";
      case BOOLEAN -> "TO_BOOLEAN(?)";
      default -> "?";
    };
  }

  /** A number's text as a {@link BigDecimal}, which the driver sends as an Oracle NUMBER. */
  @Override
  public Object bindValue(Column column, String normalised) {
    return column.kind() == ColumnKind.NUMBER && normalised != null ? new BigDecimal(normalised) : normalised;
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

  /** The database character set (NLS_CHARACTERSET), in which STANDARD_HASH takes the row text's bytes. */
  @Override
  public String characterSet(Connection connection) throws SQLException {
    return Jdbc.queryString(connection, "SELECT value FROM nls_database_parameters WHERE parameter = 'NLS_CHARACTERSET'");
  }

  /**
   * In one statement: the session's user, whether it holds READ ANY TABLE or SELECT ANY TABLE (granted to it
   * or to an enabled role: SESSION_PRIVS), and the grants of READ or SELECT on the table and of EXECUTE on
   * SYS.DBMS_CRYPTO to it, to PUBLIC or to an enabled role (ALL_TAB_PRIVS lists grants to any of them, and
   * grants the user made to others, which do not count). Binds the table's schema and name.
   */
  static final String PRIVILEGES_QUERY = "SELECT USER,"
      + " (SELECT COUNT(*) FROM session_privs WHERE privilege IN ('READ ANY TABLE', 'SELECT ANY TABLE')),"
      + " (SELECT COUNT(*) FROM all_tab_privs WHERE table_schema = ? AND table_name = ? AND privilege IN ('READ', 'SELECT')"
      + " AND (grantee = USER OR grantee = 'PUBLIC' OR grantee IN (SELECT role FROM session_roles))),"
      + " (SELECT COUNT(*) FROM all_tab_privs WHERE table_schema = 'SYS' AND table_name = 'DBMS_CRYPTO' AND privilege = 'EXECUTE'"
      + " AND (grantee = USER OR grantee = 'PUBLIC' OR grantee IN (SELECT role FROM session_roles)))"
      + " FROM DUAL";

  /** What {@link #PRIVILEGES_QUERY} found. */
  record Privileges(String user, long anyTable, long tableGrants, long cryptoGrants) {}

  /**
   * The privileges the comparison lacks on a table: to read it (its owner may; otherwise READ or SELECT on
   * it, or READ ANY TABLE or SELECT ANY TABLE), and to execute SYS.DBMS_CRYPTO where LOB columns are
   * compared. EXECUTE ANY PROCEDURE does not count: it does not reach SYS's packages, and DBA and SYSTEM
   * have no EXECUTE on DBMS_CRYPTO unless it is granted.
   */
  static List<String> missing(Privileges privileges, TableRef table, List<Column> columns) {
    List<String> missing = new ArrayList<>();
    if (!privileges.user().equals(table.schema()) && privileges.anyTable() == 0 && privileges.tableGrants() == 0) {
      missing.add("READ (or SELECT) on " + table);
    }
    List<String> lobs = columns.stream().filter(OracleCompareSql::hashedByCrypto).map(Column::name).toList();
    if (!lobs.isEmpty() && !privileges.user().equals("SYS") && privileges.cryptoGrants() == 0) {
      missing.add("EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB column" + (lobs.size() == 1 ? " " : "s ") + String.join(", ", lobs) + ")");
    }
    return missing;
  }

  /**
   * The catalog's answer, each privilege it finds missing tried once more by using it (reading no row of the
   * table; hashing one byte): a grant the catalog query does not see (a schema privilege of 23ai, say) is
   * not refused.
   */
  @Override
  public List<String> missingPrivileges(Connection connection, TableRef table, List<Column> columns) throws SQLException {
    Privileges privileges;
    try (PreparedStatement statement = connection.prepareStatement(PRIVILEGES_QUERY)) {
      Jdbc.bind(statement, table.schema(), table.table());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        privileges = new Privileges(row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String privilege : missing(privileges, table, columns)) {
      String probe = privilege.startsWith("READ") ? "SELECT 1 FROM " + table.sql() + " WHERE 1 = 0"
          : "SELECT SYS.DBMS_CRYPTO.HASH(HEXTORAW('00'), 2) FROM DUAL";
      try (Statement statement = connection.createStatement(); ResultSet ignored = statement.executeQuery(probe)) {
        // usable after all
      } catch (SQLException e) {
        missing.add(privilege);
      }
    }
    return missing;
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
  public String keyEndsQuery(SideTable table) {
    String key = ChunkSql.quotedKey(table);
    String from = table.table().sql();
    return "SELECT (SELECT MIN(" + key + ") FROM " + from + "), (SELECT MAX(" + key + ") FROM " + from + ") FROM DUAL";
  }

  @Override
  public String slice(String key, String lower, String width) {
    return "FLOOR((" + key + " - " + lower + ") / " + width + ")";
  }

  @Override
  public String hexPrefixNumber(String hex, int digits) {
    return "TO_NUMBER(SUBSTR(" + hex + ", 1, " + digits + "), '" + "X".repeat(digits) + "')";
  }

  /** NUMBER of scale 0 or below, with a precision or without one ({@code INTEGER} is {@code NUMBER(*,0)}). */
  @Override
  public boolean isInteger(Column column) {
    return column.type().equals("INTEGER") || column.type().matches("NUMBER\\((\\d+|\\*),(0|-\\d+)\\)");
  }

  /** What {@link #beginReadOnly} sets on the session. */
  static final String SESSION_SETTINGS = "ALTER SESSION SET NLS_COMP = BINARY NLS_SORT = BINARY NLS_CALENDAR = 'GREGORIAN'";

  /**
   * Oracle has no statement timeout of a session: every statement the returned connection creates is given
   * the statement timeout as its JDBC query timeout, and the driver cancels it when that passes (ORA-01013).
   * There is no lock timeout to set: a query reads a consistent version of the rows and never waits for a
   * row or table lock, and DDL_LOCK_TIMEOUT bounds only DDL, which a comparison does not run. The calendar
   * is set because no format model carries it: YYYY of another calendar would be another year.
   */
  @Override
  public Connection beginReadOnly(Connection connection, SessionLimits limits) throws SQLException {
    connection.setAutoCommit(false);
    Connection bounded = QueryTimeouts.of(connection, limits.statementTimeout());
    try (Statement statement = bounded.createStatement()) {
      statement.execute(SESSION_SETTINGS);
      statement.execute("SET TRANSACTION READ ONLY");
    }
    return bounded;
  }
}
