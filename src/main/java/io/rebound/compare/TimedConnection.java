package io.rebound.compare;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

/**
 * A connection whose every statement has a query timeout: the JDBC driver cancels a statement that runs
 * longer. For databases without a session statement timeout (Oracle). The comparison's own statements are
 * created through it; closing and everything else pass straight to the connection.
 */
final class TimedConnection implements InvocationHandler {

  private final Connection connection;
  private final int seconds;

  private TimedConnection(Connection connection, int seconds) {
    this.connection = connection;
    this.seconds = seconds;
  }

  /** The connection, its statements cancelled after the timeout (whole seconds, at least one: JDBC's 0 means none). */
  static Connection of(Connection connection, Duration timeout) {
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
    return (Connection) Proxy.newProxyInstance(TimedConnection.class.getClassLoader(), new Class<?>[] {Connection.class},
        new TimedConnection(connection, seconds));
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
