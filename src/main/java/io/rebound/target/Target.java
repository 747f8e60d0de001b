package io.rebound.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A configured database. Credentials are read from configuration when a connection is opened and never
 * leave this object except to the driver or to a child process's password file.
 */
public final class Target {

  private final String name;
  private final TargetProperties properties;
  private final SessionSettings session;

  Target(String name, TargetProperties properties) {
    this.name = name;
    this.properties = properties;
    this.session = SessionSettings.of(properties);
  }

  public String name() {
    return name;
  }

  public Dialect dialect() {
    return properties.dialect();
  }

  public TargetProperties properties() {
    return properties;
  }

  public String username() {
    return properties.username();
  }

  public Path dumpDirectory() {
    return properties.dumpDirectory();
  }

  private volatile com.zaxxer.hikari.HikariDataSource pool;
  private volatile com.zaxxer.hikari.metrics.MetricsTrackerFactory poolMetrics;

  /** Where the comparison pool reports its figures (connections in use, waits), once it is created. */
  void measurePoolWith(com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics) {
    this.poolMetrics = metrics;
  }

  /**
   * A connection for a comparison, from a small pool (a comparison opens many short connections, one per
   * chunk and side), as the target's comparison account when one is configured: a comparison can then only
   * read. Created on first use; the caller closes each connection, which returns it to the pool. Set up
   * like every session Rebound opens ({@link SessionSettings}).
   */
  public Connection pooledConnection() throws SQLException {
    com.zaxxer.hikari.HikariDataSource current = pool;
    if (current == null) {
      synchronized (this) {
        if (pool == null) {
          com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
          config.setPoolName("rebound-compare-" + name);
          config.setJdbcUrl(properties.url());
          config.setDataSourceProperties(session.driverProperties());
          config.setUsername(comparisonUsername());
          config.setPassword(comparisonPassword());
          if (dialect() == Dialect.POSTGRESQL) {
            config.addDataSourceProperty("ApplicationName", "rebound-compare");
          }
          config.setConnectionInitSql(session.asOneStatement());
          config.setConnectionTimeout(Math.max(30_000, properties.connectTimeout().toMillis() + 5_000));
          config.setMaximumPoolSize(8);
          config.setMinimumIdle(0);
          config.setIdleTimeout(60_000);
          if (poolMetrics != null) {
            config.setMetricsTrackerFactory(poolMetrics);
          }
          pool = new com.zaxxer.hikari.HikariDataSource(config);
        }
        current = pool;
      }
    }
    return withQueryTimeouts(current.getConnection());
  }

  /** The account comparisons connect as: the comparison account, or the privileged user where none is configured. */
  public String comparisonUsername() {
    return properties.comparisonUsername() != null ? properties.comparisonUsername() : properties.username();
  }

  /** The password of {@link #comparisonUsername()}, from its password file when one is configured. */
  public String comparisonPassword() {
    if (properties.comparisonUsername() == null) {
      return password();
    }
    if (properties.comparisonPasswordFile() != null) {
      return readSecret(properties.comparisonPasswordFile());
    }
    return properties.comparisonPassword();
  }

  /** Closes the pool, if one was opened. */
  public synchronized void close() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }

  /**
   * Opens a new connection as the target's privileged user, set up like every session Rebound opens
   * ({@link SessionSettings}: timeouts, and Oracle's language and formats); the caller closes it.
   */
  public Connection connect() throws SQLException {
    Properties info = session.driverProperties();
    info.setProperty("user", properties.username());
    String password = password();
    if (password != null) {
      info.setProperty("password", password);
    }
    if (dialect() == Dialect.POSTGRESQL) {
      info.setProperty("ApplicationName", "rebound");
    }
    Connection connection = DriverManager.getConnection(properties.url(), info);
    try (Statement statement = connection.createStatement()) {
      for (String setting : session.statements()) {
        statement.execute(setting);
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return withQueryTimeouts(connection);
  }

  private Connection withQueryTimeouts(Connection connection) {
    return session.timesStatementsOut() ? QueryTimeouts.of(connection, session.queryTimeoutSeconds()) : connection;
  }

  /** The privileged user's password, from the password file when one is configured. */
  public String password() {
    if (properties.passwordFile() != null) {
      return readSecret(properties.passwordFile());
    }
    return properties.password();
  }

  /** The configured password of a user the bootstrap step creates, if any. */
  public Optional<String> userPassword(String user) {
    Optional<Path> file = findIgnoringCase(properties.userPasswordFiles(), user).filter(name -> !name.isBlank()).map(Path::of);
    if (file.isPresent()) {
      return Optional.of(readSecret(file.get()));
    }
    return findIgnoringCase(properties.userPasswords(), user).filter(p -> !p.isEmpty());
  }

  /**
   * Finds a per-user entry whatever case and separator the key was written with: an environment variable
   * such as {@code REBOUND_TARGETS_XE_USER_PASSWORDS_WINSTORE_ADMIN} binds the key as {@code winstore.admin}.
   */
  private static <V> Optional<V> findIgnoringCase(Map<String, V> map, String key) {
    String wanted = userKey(key);
    return map.entrySet().stream()
        .filter(e -> userKey(e.getKey()).equals(wanted))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  private static String userKey(String key) {
    return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String readSecret(Path file) {
    try {
      return Files.readAllLines(file).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret file " + file, e);
    }
  }

  @Override
  public String toString() {
    return "Target[" + name + ", " + dialect() + "]";
  }
}
