package io.rebound.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.Runbooks;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.ToDoubleFunction;

/**
 * Rebound's gauges: runs by runbook and state ({@code rebound_runs}), incidents open, approvals waiting and the
 * oldest one's age, steps waiting for a retry, and the engine's job executor figures. They read one
 * {@link RunCensus} snapshot, taken at most every {@link #FRESH} and within {@link #TIMEOUT} (a scrape never waits
 * on a slow engine database longer, and several scrapes never count twice); a snapshot that could not be taken
 * reads NaN. Tags are runbook keys and states, a fixed set.
 */
class RunMetrics implements MeterBinder {

  static final Duration FRESH = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Runbooks runbooks;
  private final BoundedCheck<RunCensus.Snapshot> census;

  RunMetrics(Runbooks runbooks, RunCensus census, Executor executor) {
    this.runbooks = runbooks;
    Clock clock = Clock.systemUTC();
    // Taken on a thread of its own, so with nobody authenticated: the figures are the engine's, not what the
    // administrator who scrapes may see.
    this.census = new BoundedCheck<>(() -> census.take(clock.instant()), error -> RunCensus.Snapshot.UNKNOWN,
        waited -> RunCensus.Snapshot.UNKNOWN, TIMEOUT, FRESH, executor, clock);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Runbook<?> runbook : runbooks.all()) {
      String key = runbook.key();
      for (String state : RunCensus.STATES) {
        gauge(registry, "rebound.runs", "Runs in the engine's history by runbook and state", s -> s.runs(key, state))
            .tag("runbook", key).tag("state", state).register(registry);
      }
      gauge(registry, "rebound.incidents.open", "Incidents open: steps whose retries ran out", s -> s.incidents(key))
          .tag("runbook", key).register(registry);
      gauge(registry, "rebound.steps.retrying", "Steps that failed and wait for the engine's next attempt", s -> s.retrying(key))
          .tag("runbook", key).register(registry);
      if (runbook.approval().isPresent()) {
        gauge(registry, "rebound.approvals.waiting", "Approvals waiting for a second person", s -> s.approvals(key))
            .tag("runbook", key).register(registry);
        gauge(registry, "rebound.approvals.oldest.age", "How long the oldest waiting approval has waited", s -> s.oldestApprovalSeconds(key))
            .tag("runbook", key).baseUnit("seconds").register(registry);
      }
    }
    for (String figure : RunCensus.JOB_FIGURES.keySet()) {
      gauge(registry, "rebound.engine.jobs", "The engine's job executor: jobs acquired, executed, failed (each failed attempt), "
          + "rejected, failed acquisitions, since the engine database was created", s -> s.jobFigure(figure))
          .tag("event", figure).register(registry);
    }
    gauge(registry, "rebound.engine.jobs.executable", "Jobs due now, waiting for the job executor", RunCensus.Snapshot::executableJobs)
        .register(registry);
  }

  private Gauge.Builder<BoundedCheck<RunCensus.Snapshot>> gauge(MeterRegistry registry, String name, String description,
      ToDoubleFunction<RunCensus.Snapshot> value) {
    return Gauge.builder(name, census, c -> value.applyAsDouble(c.result())).description(description);
  }
}
