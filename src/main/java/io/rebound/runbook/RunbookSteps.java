package io.rebound.runbook;

import io.rebound.audit.AuditTrail;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * What the steps of one runbook are built from: the audit trail every step writes to, the run's request as validated at
 * its start, the plan its approval covers and the guard of its approved pass. A runbook's steps are thin delegates over
 * its service, each a {@link RunbookStep} made here from a name and a call; nothing of this is written again by a
 * runbook.
 *
 * @param <R> the runbook's request
 */
public final class RunbookSteps<R> {

  /** What every runbook's steps need, injected once; {@link #of} gives one runbook's. */
  @Component
  public record Services(AuditTrail audit, RunbookRequests requests, Plans plans, ApprovedPass pass, PollSooner pollSooner) {

    public <R> RunbookSteps<R> of(Runbook<R> runbook) {
      return of(runbook, request -> true);
    }

    /**
     * The steps of a runbook whose request may say that it runs without approval (an unattended site): its guarded steps
     * then pass once each, in order, counted from the run's request (see {@link ApprovedPass#of(Runbook, Predicate)}).
     */
    public <R> RunbookSteps<R> of(Runbook<R> runbook, Predicate<R> approvalRequired) {
      return new RunbookSteps<>(this, runbook, approvalRequired);
    }
  }

  private final Services services;
  private final Runbook<R> runbook;
  private final Predicate<R> approvalRequired;

  RunbookSteps(Services services, Runbook<R> runbook, Predicate<R> approvalRequired) {
    this.services = services;
    this.runbook = runbook;
    this.approvalRequired = approvalRequired;
  }

  /** A step that destroys nothing (a triage, a plan, a backup): audited, not guarded. */
  public RunbookStep step(String name, RunbookStep.Work work) {
    return RunbookStep.of(services.audit(), new RunbookStep.Definition(name, null, true, work));
  }

  /**
   * A step of the approved pass: before it does anything, the runbook's approval must authorise it now (one approval, one
   * pass, each step once and in order), or, for a run its request says is unattended, its place in that pass. A runbook
   * without an approval has no such step, and building one is refused.
   */
  public RunbookStep guarded(String name, RunbookStep.Work work) {
    return RunbookStep.of(services.audit(), new RunbookStep.Definition(name, services.pass().of(runbook, approvalRequired), true, work));
  }

  /** The run's request, as validated at its start. */
  public R request(DelegateExecution execution) {
    return services.requests().read(execution, runbook);
  }

  /** The run's plans: shown for approval, rechecked, and read back as the approved one. */
  public Plans plans() {
    return services.plans();
  }

  /** The plan the standing approval was given for; refused when none stands. */
  public <P extends ApprovablePlan> P approved(DelegateExecution execution, Class<P> type) {
    return services.plans().approved(execution, type);
  }

  /**
   * Records where a detached job stands, for the model's poll loop and the people following the run: whether it is done
   * (in {@code doneVariable}) and the node that runs it, when known. Returns {@code outcome} once the job is done, and
   * null while it runs (a poll that ends nothing).
   */
  public static String job(DelegateExecution execution, String doneVariable, boolean done, String host, String outcome) {
    execution.setVariable(doneVariable, done);
    if (host != null) {
      execution.setVariable(RunVariables.JOB_HOST, host);
    }
    return done ? outcome : null;
  }

  /**
   * Lets this node bring the run's next poll forward when it sees the run's detached job end: the timer at
   * {@code waitActivity}, the one the model waits on between the polls of the job, then fires at once. Called by the step
   * that started the job or polled it, with the job's end as the job's status gave it ({@link JobStatus#whenEnded()});
   * empty (the job runs on another node, or ended) does nothing. A shortcut only: the timer loop finishes every run
   * without it, on any node, after any crash.
   */
  public void watch(DelegateExecution execution, String waitActivity, Optional<CompletableFuture<Void>> whenEnded) {
    whenEnded.ifPresent(ended -> services.pollSooner().watch(execution.getProcessInstanceId(), waitActivity, waitActivity, ended));
  }

  /** {@code <what> finished}, with the job's last word on it when it has one. */
  public static String finished(String what, String detail) {
    return what + " finished" + (detail == null ? "" : " (" + detail + ")");
  }
}
