package io.rebound.runbook;

import java.time.Duration;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/** Told by {@link AuditedStep} of every step's end: how it ended and how long it took. */
public interface StepObserver {

  /** How a step ended. */
  enum Ending { FINISHED, HANDLED_ERROR, FAILED, REFUSED }

  /** Observes nothing: a step built outside the application. */
  StepObserver NONE = (execution, step, ending, took) -> {};

  /** {@code step} is the step's name in the audit trail without what a run adds to it (e.g. {@code import}). */
  void stepEnded(DelegateExecution execution, String step, Ending ending, Duration took);
}
