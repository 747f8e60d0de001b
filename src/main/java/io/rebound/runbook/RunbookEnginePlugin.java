package io.rebound.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditTrail;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;

/**
 * Puts the runbook core into the engine itself, so that it holds for every way in:
 * <ul>
 *   <li>every runbook's process gets {@link RunbookStartListener} and {@link RunbookEndListener}, and its
 *       approval task {@link ApprovalTaskListener}, as built-in listeners, which no model edit and no
 *       "skip custom listeners" switch removes;</li>
 *   <li>{@link CommandGuard} refuses start instructions, modification, restart, migration, signals, task
 *       BPMN errors, batches that change runs, and deployments by users; a deployed process that is not a
 *       registered runbook is refused;</li>
 *   <li>{@link VariableGuard} refuses variable changes from outside a run;</li>
 *   <li>{@link IdentityChangeRecorder} writes changes to users, passwords, memberships and authorizations
 *       to the audit trail;</li>
 *   <li>expressions in task queries (Tasklist filters) are off: they would run any bean as the caller;</li>
 *   <li>{@link RunbookAuthorizationProvider} hides an approval from its requester, and candidates of a task
 *       get {@code TASK_WORK} (claim, complete) rather than {@code UPDATE}, so an approver cannot set the
 *       run's variables or hand the task to someone else.</li>
 * </ul>
 */
@Component
public class RunbookEnginePlugin extends AbstractProcessEnginePlugin {

  private final Runbooks runbooks;
  private final AuditTrail audit;
  private final ApprovalLedger ledger;
  private final RunbookStartListener.RunbookServices services;

  public RunbookEnginePlugin(Runbooks runbooks, AuditTrail audit, ApprovalLedger ledger, RunbookRequests requests, ObjectMapper json) {
    this.runbooks = runbooks;
    this.audit = audit;
    this.ledger = ledger;
    this.services = new RunbookStartListener.RunbookServices(audit, ledger, requests, json);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    List<BpmnParseListener> parseListeners = new ArrayList<>(Optional.ofNullable(configuration.getCustomPostBPMNParseListeners()).orElse(List.of()));
    parseListeners.add(new RunbookParseListener());
    configuration.setCustomPostBPMNParseListeners(parseListeners);

    Supplier<IdentityService> identity = configuration::getIdentityService;
    List<CommandInterceptor> required = new ArrayList<>(Optional.ofNullable(configuration.getCustomPreCommandInterceptorsTxRequired()).orElse(List.of()));
    required.addAll(0, List.of(new CommandGuard(identity), new IdentityChangeRecorder(audit, identity)));
    configuration.setCustomPreCommandInterceptorsTxRequired(required);
    List<CommandInterceptor> requiresNew = new ArrayList<>(Optional.ofNullable(configuration.getCustomPreCommandInterceptorsTxRequiresNew()).orElse(List.of()));
    requiresNew.addAll(0, List.of(new CommandGuard(identity), new IdentityChangeRecorder(audit, identity)));
    configuration.setCustomPreCommandInterceptorsTxRequiresNew(requiresNew);

    // A stored task query (a Tasklist filter anyone with FILTER CREATE may save) would evaluate its
    // expressions with every bean in reach, as whoever lists it; and a BPMN error nobody catches ends a run
    // silently instead of failing the step.
    configuration.setEnableExpressionsInStoredQueries(false);
    configuration.setEnableExpressionsInAdhocQueries(false);
    configuration.setEnableExceptionsAfterUnhandledBpmnError(true);

    List<HistoryEventHandler> handlers = new ArrayList<>(Optional.ofNullable(configuration.getCustomHistoryEventHandlers()).orElse(List.of()));
    handlers.add(new VariableGuard(runbooks));
    configuration.setCustomHistoryEventHandlers(handlers);

    configuration.setResourceAuthorizationProvider(new RunbookAuthorizationProvider(runbooks, ledger));
    configuration.setDefaultUserPermissionNameForTask(Permissions.TASK_WORK.getName());
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    if (!configuration.getHistoryLevel().isHistoryEventProduced(HistoryEventTypes.VARIABLE_INSTANCE_UPDATE, null)) {
      throw new IllegalStateException("Rebound needs the engine's history level 'audit' or 'full' (camunda.bpm.history-level), not '"
          + configuration.getHistoryLevel().getName() + "': the guard of a run's variables reads the variable history events");
    }
    if (configuration.isEnableExpressionsInStoredQueries() || configuration.isEnableExpressionsInAdhocQueries()) {
      throw new IllegalStateException("expressions in task queries must stay off (camunda.bpm.generic-properties enableExpressionsIn...):"
          + " a saved filter would run any bean as whoever lists it");
    }
    if (!(configuration.getResourceAuthorizationProvider() instanceof RunbookAuthorizationProvider)) {
      throw new IllegalStateException("another plugin replaced Rebound's resource authorization provider; approvals would show to their requesters");
    }
    if (configuration.getCustomHistoryEventHandlers() == null
        || configuration.getCustomHistoryEventHandlers().stream().noneMatch(VariableGuard.class::isInstance)) {
      throw new IllegalStateException("another plugin removed Rebound's variable guard from the history event handlers");
    }
  }

  /** Adds the core's listeners to every runbook's model as it is deployed. */
  private final class RunbookParseListener extends AbstractBpmnParseListener {

    @Override
    public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
      Runbook<?> runbook = runbooks.find(processDefinition.getKey()).orElseThrow(() -> new ProcessEngineException(
          "process " + processDefinition.getKey() + " is not a runbook Rebound knows: its engine runs only its registered runbooks "
              + runbooks.keys()));
      processDefinition.addBuiltInListener(ExecutionListener.EVENTNAME_START, new RunbookStartListener(runbook, services));
      processDefinition.addBuiltInListener(ExecutionListener.EVENTNAME_END, new RunbookEndListener(runbook, audit));
    }

    @Override
    public void parseUserTask(Element userTaskElement, ScopeImpl scope, ActivityImpl activity) {
      String processKey = scope.getProcessDefinition() instanceof ProcessDefinitionEntity definition ? definition.getKey() : null;
      Runbook<?> runbook = runbooks.find(processKey).orElse(null);
      boolean approval = runbook != null && runbook.approval().map(a -> a.taskId().equals(activity.getId())).orElse(false);
      if (approval && activity.getActivityBehavior() instanceof UserTaskActivityBehavior userTask) {
        ApprovalTaskListener listener = new ApprovalTaskListener(audit, ledger, runbook, services.requests());
        for (String event : List.of(TaskListener.EVENTNAME_CREATE, TaskListener.EVENTNAME_ASSIGNMENT, TaskListener.EVENTNAME_UPDATE,
            TaskListener.EVENTNAME_COMPLETE)) {
          userTask.getTaskDefinition().addBuiltInTaskListener(event, listener);
        }
      }
    }
  }
}
