package io.rebound.target;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

/**
 * A connection whose every statement starts with a query timeout, for a database without a session
 * statement timeout (Oracle): the driver cancels a statement that runs longer. Every Oracle session a target
 * opens is one; a caller with a shorter limit of its own (a comparison) wraps it again.
 */
public final class QueryTimeouts implements InvocationHandler {

  private final Connection connection;
  private final int seconds;

  private QueryTimeouts(Connection connection, int seconds) {
    this.connection = connection;
    this.seconds = seconds;
  }

  /** The connection, its statements cancelled after the timeout (whole seconds, at least one: JDBC's 0 means none). */
  public static Connection of(Connection connection, Duration timeout) {
    return of(connection, (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000)));
  }

  static Connection of(Connection connection, int seconds) {
    return (Connection) Proxy.newProxyInstance(QueryTimeouts.class.getClassLoader(), new Class<?>[] {Connection.class},
        new QueryTimeouts(connection, seconds));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
    Object result;
    try {
      result = method.invoke(connection, arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (result instanceof Statement statement) {
      statement.setQueryTimeout(seconds);
    }
    return result;
  }
}
