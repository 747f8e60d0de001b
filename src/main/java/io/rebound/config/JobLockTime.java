package io.rebound.config;

import io.rebound.compare.ComparisonProperties;
import java.time.Duration;
import java.util.Optional;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says at start when a job may outlast the job executor's lock time: another node would then take the job
 * while it still runs, and both would run it. A comparison job works for about ten seconds and may be in the
 * middle of a statement when it stops, which {@code rebound.comparison.statement-timeout} cuts off.
 */
@Component
class JobLockTime {

  /** A comparison job's own work, besides the statement it may be in when that ends, and the commit after it. */
  static final Duration REST_OF_A_JOB = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(JobLockTime.class);

  private final ProcessEngine engine;
  private final ComparisonProperties comparison;

  JobLockTime(ProcessEngine engine, ComparisonProperties comparison) {
    this.engine = engine;
    this.comparison = comparison;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void check() {
    if (engine.getProcessEngineConfiguration() instanceof ProcessEngineConfigurationImpl configuration
        && configuration.getJobExecutor() != null) {
      JobExecutor executor = configuration.getJobExecutor();
      warning(Duration.ofMillis(executor.getLockTimeInMillis()), comparison.statementTimeout()).ifPresent(LOG::warn);
    }
  }

  static Optional<String> warning(Duration lockTime, Duration statementTimeout) {
    Duration longestJob = statementTimeout.plus(REST_OF_A_JOB);
    if (lockTime.compareTo(longestJob) >= 0) {
      return Optional.empty();
    }
    return Optional.of("The job executor's lock time (camunda.bpm.job-execution.lock-time-in-millis, " + lockTime.toSeconds()
        + " s) is shorter than a comparison job may take (rebound.comparison.statement-timeout, " + statementTimeout.toSeconds()
        + " s, and " + REST_OF_A_JOB.toSeconds() + " s more): another node may take such a job while it still runs."
        + " Raise the lock time to at least " + longestJob.toSeconds() + " s");
  }
}
