package io.rebound.runbook;

import org.camunda.bpm.engine.delegate.DelegateExecution;

/** Decides whether a destructive step may run now; see {@link RunLedger#authorise}. */
@FunctionalInterface
public interface StepGuard {

  /** The approval the step runs under; throws {@link StepRefusedException} when none authorises it. */
  RunLedger.GivenApproval authorise(DelegateExecution execution, String step);
}
