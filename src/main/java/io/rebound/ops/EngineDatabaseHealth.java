package io.rebound.ops;

import io.rebound.audit.Redactor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The engine database answers: without it no run moves, no approval is taken and no audit row is written, so it is
 * part of readiness. Checked within a time bound (a pool waits 30 s for a connection by default, longer than a probe
 * waits) and its result reused for a few seconds.
 */
class EngineDatabaseHealth implements HealthIndicator {

  private final BoundedCheck<Health> check;

  EngineDatabaseHealth(DataSource dataSource, Redactor redactor, Executor executor, Duration timeout, Duration fresh) {
    this.check = new BoundedCheck<>(
        () -> reach(dataSource, timeout),
        error -> Health.down().withDetail("error", TargetHealth.describe(error, redactor)).build(),
        waited -> Health.down().withDetail("error", "no answer within " + waited.toSeconds() + " s").build(),
        timeout, fresh, executor, Clock.systemUTC());
  }

  @Override
  public Health health() {
    return check.result();
  }

  private static Health reach(DataSource dataSource, Duration timeout) {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
        return Health.down().withDetail("error", "the connection is not valid").build();
      }
      return Health.up().withDetail("database", connection.getMetaData().getDatabaseProductName()).build();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
