package io.rebound.target;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The few JDBC shapes the dialects use, always with bind variables. */
public final class Jdbc {

  private Jdbc() {}

  public static void bind(PreparedStatement statement, Object... binds) throws SQLException {
    for (int i = 0; i < binds.length; i++) {
      statement.setObject(i + 1, binds[i]);
    }
  }

  /** The first column of every row. */
  public static List<String> queryStrings(Connection connection, String sql, Object... binds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, binds);
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }

  /** The first column of the first row, or null when there is no row. */
  public static String queryString(Connection connection, String sql, Object... binds) throws SQLException {
    List<String> values = queryStrings(connection, sql, binds);
    return values.isEmpty() ? null : values.get(0);
  }

  /** A single number, such as a count. */
  public static long queryLong(Connection connection, String sql, Object... binds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, binds);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("no row from " + sql);
        }
        return rows.getLong(1);
      }
    }
  }

  /** Runs a PL/SQL block or procedure call with in binds only. */
  public static void executeCall(Connection connection, String call, Object... binds) throws SQLException {
    try (CallableStatement statement = connection.prepareCall(call)) {
      bind(statement, binds);
      statement.execute();
    }
  }
}
