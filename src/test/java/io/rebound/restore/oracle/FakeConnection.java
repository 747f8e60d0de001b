package io.rebound.restore.oracle;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Oracle cannot run here: a connection that answers each statement as a test tells it, by the statement's exact
 * text, and records every statement run with its binds. A statement it was not told about fails the test.
 */
final class FakeConnection {

  /**
   * What a statement does when run: the rows of a query; for a call, one row holding its out values by parameter
   * index (1 first); or an SQLException.
   */
  @FunctionalInterface
  interface Answer {
    List<Object[]> run(List<Object> binds) throws SQLException;
  }

  private final Map<String, Answer> answers = new HashMap<>();
  /** Every statement run, in order, with its binds after {@code  -- binds: }. */
  final List<String> ran = new ArrayList<>();

  FakeConnection on(String sql, Answer answer) {
    answers.put(sql, answer);
    return this;
  }

  FakeConnection rows(String sql, Object[]... rows) {
    return on(sql, binds -> List.of(rows));
  }

  FakeConnection failing(String sql, String message) {
    return on(sql, binds -> {
      throw new SQLException(message);
    });
  }

  Connection connection() {
    return proxy(Connection.class, (method, args) -> switch (method) {
      case "prepareStatement" -> statement(PreparedStatement.class, (String) args[0]);
      case "prepareCall" -> statement(CallableStatement.class, (String) args[0]);
      case "createStatement" -> statement(Statement.class, null);
      case "close" -> null;
      case "isClosed" -> false;
      default -> throw new UnsupportedOperationException(method);
    });
  }

  private <T extends Statement> T statement(Class<T> type, String prepared) {
    Map<Integer, Object> binds = new HashMap<>();
    Map<Integer, Integer> registered = new HashMap<>();
    Object[][] out = {new Object[0]};
    return proxy(type, (method, args) -> switch (method) {
      case "setString", "setObject", "setInt", "setLong", "setArray" -> {
        binds.put((Integer) args[0], args[1]);
        yield null;
      }
      case "registerOutParameter" -> {
        registered.put((Integer) args[0], (Integer) args[1]);
        yield null;
      }
      case "close" -> null;
      case "executeQuery" -> resultSet(run(args == null ? prepared : (String) args[0], binds));
      case "execute" -> {
        List<Object[]> rows = run(args == null ? prepared : (String) args[0], binds);
        out[0] = rows.isEmpty() ? new Object[0] : rows.get(0);
        yield !rows.isEmpty();
      }
      // As a driver does, an out parameter is there to read only once registered.
      case "getInt" -> ((Number) out(out[0], registered, args)).intValue();
      case "getLong" -> ((Number) out(out[0], registered, args)).longValue();
      case "getString" -> (String) out(out[0], registered, args);
      case "getClob" -> clob((String) out(out[0], registered, args));
      default -> throw new UnsupportedOperationException(method);
    });
  }

  private static Clob clob(String text) {
    return text == null ? null : proxy(Clob.class, (method, args) -> switch (method) {
      case "length" -> (long) text.length();
      case "getSubString" -> text.substring((int) ((Long) args[0] - 1), (int) ((Long) args[0] - 1) + (Integer) args[1]);
      default -> throw new UnsupportedOperationException(method);
    });
  }

  private static Object out(Object[] values, Map<Integer, Integer> registered, Object[] args) throws SQLException {
    int index = (Integer) args[0];
    if (!registered.containsKey(index)) {
      throw new SQLException("parameter " + index + " was not registered as an out parameter");
    }
    return values[index - 1];
  }

  private List<Object[]> run(String sql, Map<Integer, Object> binds) throws SQLException {
    Answer answer = answers.get(sql);
    if (answer == null) {
      throw new AssertionError("a statement the test did not expect: " + sql);
    }
    List<Object> values = new ArrayList<>();
    for (int i = 1; binds.containsKey(i); i++) {
      values.add(binds.get(i));
    }
    ran.add(values.isEmpty() ? sql : sql + "  -- binds: " + values.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElseThrow());
    return answer.run(values);
  }

  private ResultSet resultSet(List<Object[]> rows) {
    int[] at = {-1};
    return proxy(ResultSet.class, (method, args) -> switch (method) {
      case "next" -> ++at[0] < rows.size();
      case "getString" -> rows.get(at[0])[(Integer) args[0] - 1] == null ? null : String.valueOf(rows.get(at[0])[(Integer) args[0] - 1]);
      case "getLong" -> ((Number) rows.get(at[0])[(Integer) args[0] - 1]).longValue();
      case "getInt" -> ((Number) rows.get(at[0])[(Integer) args[0] - 1]).intValue();
      case "getBigDecimal" -> rows.get(at[0])[(Integer) args[0] - 1] == null ? null
          : new BigDecimal(String.valueOf(rows.get(at[0])[(Integer) args[0] - 1]));
      case "close" -> null;
      default -> throw new UnsupportedOperationException(method + Arrays.toString(args));
    });
  }

  @FunctionalInterface
  private interface Handler {
    Object handle(String method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, Handler handler) {
    return type.cast(Proxy.newProxyInstance(FakeConnection.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> handler.handle(method.getName(), args)));
  }
}
