package io.rebound.runbook;

import io.rebound.audit.AuditTrail;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * A runbook's step as the model calls it: its name in the audit trail, what it does (a call of the runbook's service)
 * and, for a step of the approved pass, the guard that lets it run only as the approval allows. Steps are built by
 * {@link RunbookSteps}, so that a runbook's steps say only what each of them does.
 */
public final class RunbookStep extends AuditedStep {

  /** What a step does: returns its outcome for the audit trail, or null while the job it polls still runs. */
  @FunctionalInterface
  public interface Work {
    String run(DelegateExecution execution, StepLog log) throws Exception;
  }

  /** What makes a step: its name, its guard (none for a step that destroys nothing), whether it records its start, its work. */
  record Definition(String name, StepGuard guard, boolean recordsStart, Work work) {}

  private final Definition definition;

  private RunbookStep(AuditTrail audit, Definition definition) {
    super(audit);
    this.definition = definition;
  }

  private RunbookStep(AuditTrail audit, StepGuard guard, Definition definition) {
    super(audit, guard);
    this.definition = definition;
  }

  /** A step that destroys nothing when the definition has no guard, a step of the approved pass when it has one. */
  static RunbookStep of(AuditTrail audit, Definition definition) {
    return definition.guard() == null ? new RunbookStep(audit, definition) : new RunbookStep(audit, definition.guard(), definition);
  }

  /**
   * The same step polled from the model's timer loop while its job runs: the same name, guard and work, and no new start
   * in the audit trail (the step started once, when the job was started).
   */
  public RunbookStep poll() {
    return of(audit, new Definition(definition.name(), definition.guard(), false, definition.work()));
  }

  @Override
  protected String step() {
    return definition.name();
  }

  @Override
  protected boolean recordsStart() {
    return definition.recordsStart();
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) throws Exception {
    return definition.work().run(execution, log);
  }
}
