package io.rebound.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.Runbooks;
import io.rebound.runbook.StepObserver;
import java.time.Duration;
import java.util.Locale;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Step durations, {@code rebound_step_duration_seconds}, by runbook, step and how the step ended (finished, an
 * outcome the model handles, failed: an attempt the engine retries or turns into an incident, refused by its
 * approval's guard). Tags are the runbook's key and the step's name, never a run, a table or a user: the number of
 * series is fixed by the runbooks. A few buckets, from a second to hours, so that slow imports show in a histogram.
 */
class StepTimer implements StepObserver {

  static final String NAME = "rebound.step.duration";
  private static final Duration[] BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
      Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6)};

  private final MeterRegistry registry;
  private final ObjectProvider<Runbooks> runbooks;

  /** The registry of runbooks is looked up when a step ends: the steps are made before it, and this is given to them. */
  StepTimer(MeterRegistry registry, ObjectProvider<Runbooks> runbooks) {
    this.registry = registry;
    this.runbooks = runbooks;
  }

  @Override
  public void stepEnded(DelegateExecution execution, String step, Ending ending, Duration took) {
    Timer.builder(NAME)
        .description("How long Rebound's steps take, by runbook and step")
        .tag("runbook", runbook(execution))
        .tag("step", step)
        .tag("outcome", ending.name().toLowerCase(Locale.ROOT))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(took);
  }

  /** The runbook's key: a schedule's process counts as its runbook. */
  private String runbook(DelegateExecution execution) {
    String key = execution instanceof ExecutionEntity entity && entity.getProcessDefinition() != null
        ? entity.getProcessDefinition().getKey() : null;
    return runbooks.getObject().find(key).map(Runbook::key).orElse("other");
  }
}
