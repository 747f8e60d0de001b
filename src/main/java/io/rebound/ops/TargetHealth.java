package io.rebound.ops;

import io.rebound.audit.Redactor;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;

/**
 * Whether each configured target answers, one health component per target under {@code targets}: the target logs in
 * as Rebound's privileged user and the connection is asked whether it is valid, within {@link #TIMEOUT}.
 *
 * <p>A target that does not answer reads {@link #UNREACHABLE}, not DOWN, and is not part of readiness: Rebound is
 * the tool a DBA turns to precisely when a database is down (to restore it, or to see the runs that stopped on it),
 * so a dead target must never make the probes take Rebound out of service or restart it. The overall status orders
 * UNREACHABLE below UP; the {@code targets} group (at {@code /actuator/health/targets}) answers 503 when one is
 * unreachable, for whoever wants to be alerted on that. Nothing shown carries a secret: no URL, the error text
 * passed through the {@link Redactor}.
 */
class TargetHealth implements CompositeHealthContributor {

  static final Status UNREACHABLE = new Status("UNREACHABLE");
  /** Probes expect an answer within a few seconds; a connect timeout is often longer. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  /** A result is reused this long: a probe every few seconds must not log in to every target each time. */
  static final Duration FRESH = Duration.ofSeconds(10);

  private final Targets targets;
  private final Redactor redactor;
  private final Executor executor;
  private final Duration timeout;
  private final Duration fresh;
  private final Map<String, BoundedCheck<Health>> checks = new ConcurrentHashMap<>();

  TargetHealth(Targets targets, Redactor redactor, Executor executor, Duration timeout, Duration fresh) {
    this.targets = targets;
    this.redactor = redactor;
    this.executor = executor;
    this.timeout = timeout;
    this.fresh = fresh;
  }

  @Override
  public HealthContributor getContributor(String name) {
    return targets.find(name).map(this::indicator).orElse(null);
  }

  @Override
  public Iterator<NamedContributor<HealthContributor>> iterator() {
    // Asked afresh each time: the demo registers its target after the start.
    return targets.all().stream().map(target -> NamedContributor.<HealthContributor>of(target.name(), indicator(target))).iterator();
  }

  private HealthIndicator indicator(Target target) {
    return () -> checks.computeIfAbsent(target.name(), name -> check(target)).result();
  }

  private BoundedCheck<Health> check(Target target) {
    String dialect = target.dialect().name().toLowerCase(java.util.Locale.ROOT);
    return new BoundedCheck<>(
        () -> reach(target, dialect),
        error -> Health.status(UNREACHABLE).withDetail("dialect", dialect).withDetail("error", describe(error, redactor)).build(),
        waited -> Health.status(UNREACHABLE).withDetail("dialect", dialect)
            .withDetail("error", "no answer within " + waited.toSeconds() + " s (the check goes on in the background)").build(),
        timeout, fresh, executor, Clock.systemUTC());
  }

  private Health reach(Target target, String dialect) {
    long started = System.nanoTime();
    try (Connection connection = target.connect()) {
      if (!connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
        return Health.status(UNREACHABLE).withDetail("dialect", dialect).withDetail("error", "the connection is not valid").build();
      }
      return Health.up().withDetail("dialect", dialect).withDetail("answeredInMillis", (System.nanoTime() - started) / 1_000_000).build();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The error as a DBA reads it, without a secret: the driver's words, with any password masked. */
  static String describe(Throwable error, Redactor redactor) {
    Throwable cause = error instanceof IllegalStateException && error.getCause() instanceof SQLException sql ? sql : error;
    String text = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    String safe = redactor.redact(text);
    return safe.length() > 300 ? safe.substring(0, 300) + "..." : safe;
  }
}
