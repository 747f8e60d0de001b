package io.rebound.config;

import io.rebound.compare.ComparisonProperties;
import io.rebound.target.Target;
import io.rebound.target.Targets;
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
 * middle of a statement when it stops, which {@code rebound.comparison.statement-timeout} cuts off; a
 * restore's step runs short statements on its target, each cut off by the target's statement timeout.
 */
@Component
class JobLockTime {

  /** A comparison job's own work, besides the statement it may be in when that ends, and the commit after it. */
  static final Duration REST_OF_A_JOB = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(JobLockTime.class);

  private final ProcessEngine engine;
  private final ComparisonProperties comparison;
  private final Targets targets;

  JobLockTime(ProcessEngine engine, ComparisonProperties comparison, Targets targets) {
    this.engine = engine;
    this.comparison = comparison;
    this.targets = targets;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void check() {
    if (engine.getProcessEngineConfiguration() instanceof ProcessEngineConfigurationImpl configuration
        && configuration.getJobExecutor() != null) {
      JobExecutor executor = configuration.getJobExecutor();
      Duration lockTime = Duration.ofMillis(executor.getLockTimeInMillis());
      warning(lockTime, "rebound.comparison.statement-timeout", comparison.statementTimeout()).ifPresent(LOG::warn);
      for (Target target : targets.all()) {
        warning(lockTime, "rebound.targets." + target.name() + ".statement-timeout", target.properties().statementTimeout())
            .ifPresent(LOG::warn);
      }
    }
  }

  /** A warning when a job whose statements end after {@code statementTimeout} may outlast the lock (0: they never end). */
  static Optional<String> warning(Duration lockTime, String setting, Duration statementTimeout) {
    if (statementTimeout.isZero()) {
      return Optional.of("Statements have no timeout (" + setting + " = 0): a job may outlast the job executor's lock time"
          + " (camunda.bpm.job-execution.lock-time-in-millis, " + lockTime.toSeconds() + " s), and another node then takes it"
          + " while it still runs");
    }
    Duration longestJob = statementTimeout.plus(REST_OF_A_JOB);
    if (lockTime.compareTo(longestJob) >= 0) {
      return Optional.empty();
    }
    return Optional.of("The job executor's lock time (camunda.bpm.job-execution.lock-time-in-millis, " + lockTime.toSeconds()
        + " s) is shorter than a job may take (" + setting + ", " + statementTimeout.toSeconds()
        + " s, and " + REST_OF_A_JOB.toSeconds() + " s more): another node may take such a job while it still runs."
        + " Raise the lock time to at least " + longestJob.toSeconds() + " s");
  }
}
