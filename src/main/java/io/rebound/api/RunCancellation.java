package io.rebound.api;

import io.rebound.api.ApiExceptionHandler.ConflictException;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.Runbooks;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstanceCmd;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.springframework.stereotype.Component;

/**
 * Cancels a run that waits for its approval, through the engine: the run is deleted as Cockpit deletes it,
 * one run, its listeners not skipped, so the engine's guards see the command and the run's end is recorded
 * {@code CANCELLED} in the audit trail with the caller's name, in the same transaction.
 */
@Component
class RunCancellation {

  private final CommandExecutor commands;
  private final TaskService tasks;

  RunCancellation(ProcessEngine engine) {
    this.commands = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getCommandExecutorTxRequired();
    this.tasks = engine.getTaskService();
  }

  /**
   * Cancels the run if its approval is still open, in one transaction with that check: an approval completed
   * at the same moment wins or loses as a whole (the engine's optimistic locking), never half.
   *
   * @param asRequester the caller is the run's requester, not an administrator: the engine grants requesters no
   *     deletion, so Rebound's own rule ({@link CancelRule}, checked before) stands in for that one command
   */
  void cancel(String processInstanceId, Runbook<?> runbook, String reason, boolean asRequester) {
    String approvalTask = runbook.approval().map(a -> a.taskId())
        .orElseThrow(() -> new ConflictException("a " + runbook.title() + " has no approval to wait for and cannot be cancelled here"));
    try {
      commands.execute(context -> {
        // The requester never sees their run's approval (four eyes): the check looks past that.
        boolean waiting = context.runWithoutAuthorization(
            () -> tasks.createTaskQuery().processInstanceId(processInstanceId).taskDefinitionKey(approvalTask).count() > 0);
        if (!waiting) {
          throw new ConflictException("the run is no longer waiting for its approval and cannot be cancelled");
        }
        DeleteProcessInstanceCmd delete = new DeleteProcessInstanceCmd(processInstanceId, reason, false, true, false, false, true);
        if (asRequester) {
          context.runWithoutAuthorization(() -> commands.execute(delete));
        } else {
          commands.execute(delete);
        }
        return null;
      });
    } catch (OptimisticLockingException e) {
      throw new ConflictException("the run moved on while it was being cancelled (its approval was decided at the same time)");
    }
  }
}
