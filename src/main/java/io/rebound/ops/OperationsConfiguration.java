package io.rebound.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.rebound.audit.Redactor;
import io.rebound.runbook.Runbooks;
import io.rebound.runbook.StepObserver;
import io.rebound.target.Targets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Health components, metrics and the step timer. */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

  /**
   * Threads of the time-bounded checks. A check that hangs keeps its thread until the driver gives up, and is not
   * started again meanwhile, so there are at most as many threads as targets plus two.
   */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService operationsChecks() {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "rebound-ops-check-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Each target's reachability, under {@code targets} in the health (the name is the bean's, less its suffix). */
  @Bean("targetsHealthContributor")
  TargetHealth targetHealth(Targets targets, Redactor redactor, ExecutorService operationsChecks) {
    return new TargetHealth(targets, redactor, operationsChecks, TargetHealth.TIMEOUT, TargetHealth.FRESH);
  }

  /** The engine database, part of readiness. */
  @Bean("engineDatabaseHealthIndicator")
  EngineDatabaseHealth engineDatabaseHealth(DataSource dataSource, Redactor redactor, ExecutorService operationsChecks) {
    return new EngineDatabaseHealth(dataSource, redactor, operationsChecks, Duration.ofSeconds(3), Duration.ofSeconds(2));
  }

  @Bean
  RunMetrics runMetrics(Runbooks runbooks, ProcessEngine engine, DataSource dataSource, ExecutorService operationsChecks) {
    return new RunMetrics(runbooks, new RunCensus(runbooks, engine, new JdbcTemplate(dataSource)), operationsChecks);
  }

  @Bean
  StepObserver stepTimer(MeterRegistry registry, ObjectProvider<Runbooks> runbooks) {
    return new StepTimer(registry, runbooks);
  }
}
