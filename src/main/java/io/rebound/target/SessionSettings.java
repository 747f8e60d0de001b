package io.rebound.target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What every session Rebound opens to a target is set to, in one place: the privileged connections of a
 * restore and the pooled ones of a comparison alike.
 *
 * <p>Timeouts, so that a target that hangs (a lost network, a server that accepts and never answers, a lock
 * held by an application) fails a step into an incident instead of holding a job thread and its locks
 * forever: a connect timeout, a read timeout on the socket as the last resort, a statement timeout and a
 * lock timeout. On Oracle, the language, territory, number and date formats and the sort order are fixed
 * too: the driver otherwise takes them from the JVM's locale, and Rebound reads Data Pump's messages and
 * renders numbers and dates as text to hash them.
 */
final class SessionSettings {

  /** How much longer than the statement timeout the socket waits before the driver gives the session up. */
  static final Duration READ_MARGIN = Duration.ofMinutes(1);

  private final Dialect dialect;
  private final Duration connectTimeout;
  private final Duration statementTimeout;
  private final Duration lockTimeout;

  SessionSettings(Dialect dialect, Duration connectTimeout, Duration statementTimeout, Duration lockTimeout) {
    this.dialect = dialect;
    this.connectTimeout = connectTimeout;
    this.statementTimeout = statementTimeout;
    this.lockTimeout = lockTimeout;
  }

  static SessionSettings of(TargetProperties properties) {
    return new SessionSettings(properties.dialect(), properties.connectTimeout(), properties.statementTimeout(),
        properties.lockTimeout());
  }

  /** The driver's connection properties for the timeouts of the connection itself (not credentials). */
  Properties driverProperties() {
    Properties properties = new Properties();
    if (dialect == Dialect.POSTGRESQL) {
      properties.setProperty("connectTimeout", Long.toString(wholeSeconds(connectTimeout)));
      properties.setProperty("loginTimeout", Long.toString(wholeSeconds(connectTimeout)));
      properties.setProperty("socketTimeout", Long.toString(readTimeout().toSeconds()));
      properties.setProperty("tcpKeepAlive", "true");
    } else {
      // The TCP connect, then the whole of the network session's set-up: a listener that accepts and never
      // answers is otherwise waited on for as long as a read may take. A bare number in the second means
      // seconds, hence the unit.
      properties.setProperty("oracle.net.CONNECT_TIMEOUT", Long.toString(connectTimeout.toMillis()));
      properties.setProperty("oracle.net.OUTBOUND_CONNECT_TIMEOUT", connectTimeout.toMillis() + "ms");
      properties.setProperty("oracle.jdbc.ReadTimeout", Long.toString(readTimeout().toMillis()));
    }
    return properties;
  }

  /**
   * The socket's read timeout: past the statement timeout, so that the server (PostgreSQL) or the driver's
   * cancel (Oracle) ends a long statement first with its own message; none when statements have no limit.
   */
  Duration readTimeout() {
    return statementTimeout.isZero() ? Duration.ZERO : statementTimeout.plus(READ_MARGIN);
  }

  /** The statements that set a new session up, in order. */
  List<String> statements() {
    List<String> statements = new ArrayList<>();
    if (dialect == Dialect.POSTGRESQL) {
      statements.add("SET statement_timeout = " + statementTimeout.toMillis());
      statements.add("SET lock_timeout = " + lockTimeout.toMillis());
    } else {
      // The territory resets the number characters and formats: language and territory come first.
      statements.add("ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN'");
      statements.add("ALTER SESSION SET NLS_TERRITORY = 'AMERICA'");
      statements.add("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'");
      statements.add("ALTER SESSION SET NLS_CALENDAR = 'GREGORIAN'");
      statements.add("ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'");
      statements.add("ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF'");
      statements.add("ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF TZH:TZM'");
      statements.add("ALTER SESSION SET NLS_SORT = 'BINARY'");
      statements.add("ALTER SESSION SET NLS_COMP = 'BINARY'");
      // DDL waits this long for a lock (DROP USER, ALTER TABLE): Oracle's own default, 0, fails at once.
      statements.add("ALTER SESSION SET DDL_LOCK_TIMEOUT = " + Math.min(1_000_000, wholeSeconds(lockTimeout)));
    }
    return statements;
  }

  /**
   * The same as one statement, for a pool that runs one statement on each new connection: PostgreSQL takes
   * several separated by semicolons, Oracle takes them in a PL/SQL block.
   */
  String asOneStatement() {
    if (dialect == Dialect.POSTGRESQL) {
      return String.join("; ", statements());
    }
    StringBuilder block = new StringBuilder("BEGIN");
    for (String statement : statements()) {
      block.append(" EXECUTE IMMEDIATE '").append(statement.replace("'", "''")).append("';");
    }
    return block.append(" END;").toString();
  }

  /**
   * The query timeout Oracle's statements get, in whole seconds (Oracle has no session statement timeout:
   * the driver cancels a statement that runs longer); 0 when statements have no limit.
   */
  int queryTimeoutSeconds() {
    return statementTimeout.isZero() ? 0 : (int) Math.min(Integer.MAX_VALUE, wholeSeconds(statementTimeout));
  }

  boolean timesStatementsOut() {
    return dialect == Dialect.ORACLE && queryTimeoutSeconds() > 0;
  }

  /** Rounded up: a timeout of 500 ms is one second, not none. */
  private static long wholeSeconds(Duration duration) {
    return (duration.toMillis() + 999) / 1000;
  }
}
