package io.rebound.runbook;

import java.util.List;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.task.DelegationState;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandInvocationContext;

/**
 * Nobody changes a run's variables from outside: not through a task's or a process instance's variables
 * API, not by completing the approval with extra variables, not as an administrator. A run's request is
 * validated once at its start and its plan approved as it is; the steps read those, and the variables the
 * model's gateways read are written by the steps alone.
 *
 * <p>The engine reports every variable change as a history event, in the transaction that makes it; this
 * handler sees each one and refuses (rolling the whole command back) any change to a run of a runbook
 * that is not made
 * <ul>
 *   <li>by the engine running the model (a step, a listener, a mapping: there is an execution context),</li>
 *   <li>as a start variable (validated by {@link RunbookStartListener} right after), or</li>
 *   <li>as the decision ({@code approved}, {@code comment}) of someone completing the approval task (not
 *       resolving it, and not a delegate submitting its form).</li>
 * </ul>
 * It therefore needs the history level {@code audit} or {@code full}, which {@link RunbookEnginePlugin} checks.
 */
final class VariableGuard implements HistoryEventHandler {

  private final Runbooks runbooks;

  VariableGuard(Runbooks runbooks) {
    this.runbooks = runbooks;
  }

  @Override
  public void handleEvent(HistoryEvent event) {
    if (!(event instanceof HistoricVariableUpdateEventEntity variable) || !runbooks.isRunbook(variable.getProcessDefinitionKey())) {
      return;
    }
    if (Context.getCoreExecutionContext() != null || variable.isInitial()) {
      return;
    }
    Runbook<?> runbook = runbooks.get(variable.getProcessDefinitionKey());
    if (isDecision(runbook, variable)) {
      return;
    }
    throw new RunbookGuardException("the variables of a running " + runbook.title() + " cannot be changed from outside ('"
        + Inputs.abbreviate(variable.getVariableName()) + "'): its request was validated when it started and its plan approved as it is"
        + (runbook.approval().isPresent() ? "; the approval takes only " + Approval.DECISION : ""));
  }

  @Override
  public void handleEvents(List<HistoryEvent> events) {
    events.forEach(this::handleEvent);
  }

  private static boolean isDecision(Runbook<?> runbook, HistoricVariableUpdateEventEntity variable) {
    if (runbook.approval().isEmpty() || !Approval.DECISION.contains(variable.getVariableName())
        || HistoryEventTypes.VARIABLE_INSTANCE_DELETE.getEventName().equals(variable.getEventType())) {
      return false;
    }
    CommandInvocationContext invocation = Context.getCommandInvocationContext();
    if (invocation == null) {
      return false;
    }
    // Completing, exactly: resolving a task (a subclass of completing) completes nothing.
    if (invocation.getCommand().getClass() == CompleteTaskCmd.class) {
      return true;
    }
    // A form submitted on a delegated task resolves it, handing it back: a delegate does not decide.
    return invocation.getCommand().getClass() == SubmitTaskFormCmd.class
        && Context.getProcessEngineConfiguration().getTaskService().createTaskQuery().processInstanceId(variable.getProcessInstanceId())
            .taskDelegationState(DelegationState.PENDING).count() == 0;
  }
}
