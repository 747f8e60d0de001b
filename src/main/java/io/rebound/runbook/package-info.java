/**
 * What every runbook shares, and the guarantees Rebound's engine holds for all of them.
 *
 * <ul>
 *   <li>Descriptors: a runbook registers a {@link io.rebound.runbook.Runbook} (process key, inputs,
 *       approval and the steps one approval authorises, outcomes by end event); {@link io.rebound.runbook.Runbooks}
 *       holds them, and the shared code works from it.</li>
 *   <li>A run's life: {@link io.rebound.runbook.RunbookEnginePlugin} puts the start and end listeners,
 *       the four-eyes task listener, the command and variable guards and the authorization provider into
 *       the engine. The request is parsed once ({@link io.rebound.runbook.RunbookInputs}) and read back by
 *       {@link io.rebound.runbook.RunbookRequests}; a plan ({@link io.rebound.runbook.ApprovablePlan}) is
 *       shown and read back by {@link io.rebound.runbook.Plans}.</li>
 *   <li>The ledger: {@link io.rebound.runbook.RunLedger} reads requester, plans, approvals and finished
 *       steps from the audit trail; {@link io.rebound.runbook.ApprovedPass} guards each destructive step.</li>
 *   <li>Steps: {@link io.rebound.runbook.AuditedStep} records every step in the audit trail with what it
 *       ran ({@link io.rebound.runbook.StepLog}); a runbook builds its steps with {@link io.rebound.runbook.RunbookSteps}
 *       from a name and a call of its service, guarded by its approval when they belong to the approved pass
 *       ({@link io.rebound.runbook.RunbookStep}), and ends one with an outcome its model handles through
 *       {@link io.rebound.runbook.AuditedStep#fail}; {@link io.rebound.runbook.ShutdownSignal} lets long loops
 *       yield.</li>
 *   <li>Detached jobs: {@link io.rebound.runbook.DetachedProcess} runs commands that outlive the application and
 *       {@link io.rebound.runbook.DetachedWork} work in this JVM, both keeping their state in a
 *       {@link io.rebound.runbook.JobDirectory}, judged alive or gone the same way from every host by
 *       {@link io.rebound.runbook.JobLiveness} ({@link io.rebound.runbook.DetachedJobs} hands them out with this
 *       node's {@link io.rebound.runbook.JobHost}, the work run on the node's {@link io.rebound.runbook.DetachedWorkers},
 *       which stop with the application and leave running work to be taken again as after a crash).
 *       {@link io.rebound.runbook.JobRunner} starts or attaches to either
 *       and looks at it, answering with one {@link io.rebound.runbook.JobStatus}; a look never starts a job, and a
 *       start a poll has to make is written to the audit trail ({@link io.rebound.runbook.StepLog#startedJob}).</li>
 * </ul>
 */
package io.rebound.runbook;
