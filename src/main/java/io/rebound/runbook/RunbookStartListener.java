package io.rebound.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * Runs when a run of a runbook starts, whichever way it was started: records who asked, validates the
 * inputs once into the run's request and stores it, and writes the REQUESTED event with the request's
 * hash. Invalid input throws {@link InvalidInputException}, which rolls the start back: no run is created.
 *
 * <p>A run that one of the runbook's timer start events starts takes its inputs from
 * {@link Runbook#scheduledInputs}; with nobody authenticated (the job executor fired the timer) its requester is
 * the schedule, {@code schedule:<timer start event id>}. A start by a user always has that user as requester.
 *
 * <p>Added to every runbook's process as a built-in listener (see {@link RunbookEnginePlugin}), so no
 * start path can skip it: not the model, not the engine's "skip custom listeners" switch.
 */
final class RunbookStartListener implements ExecutionListener {

  private final Runbook<?> runbook;
  private final RunbookServices services;

  RunbookStartListener(Runbook<?> runbook, RunbookServices services) {
    this.runbook = runbook;
    this.services = services;
  }

  @Override
  public void notify(DelegateExecution execution) {
    start(runbook, execution);
  }

  private <R> void start(Runbook<R> runbook, DelegateExecution execution) {
    Map<String, Object> details = new LinkedHashMap<>();
    String timerStart = timerStartEvent(execution);
    if (timerStart != null) {
      // A schedule's run takes its inputs from the schedule alone, whoever fired the timer.
      Map<String, Object> scheduled = runbook.scheduledInputs(timerStart).orElseThrow(() -> new InvalidInputException(
          "the timer start event " + timerStart + " is not a schedule of the " + runbook.title()));
      execution.getVariableNames().forEach(execution::removeVariable);
      execution.setVariables(scheduled);
      details.put("schedule", timerStart);
    }
    String requester = requester(execution, details, timerStart);
    Map<String, Object> given = execution.getVariables();
    R request = runbook.inputs().parse(given);
    Map<String, Object> display = runbook.inputs().display(request);
    // Inputs left empty in a form reach here as empty strings; what the request does not show goes.
    given.keySet().stream().filter(name -> !display.containsKey(name)).forEach(execution::removeVariable);
    execution.setVariables(display);
    execution.setVariable(RunVariables.REQUESTER, requester);
    String hash = services.requests().store(execution, request);
    runbook.started(execution, request);
    details.put("runbook", runbook.key());
    details.put("requestHash", hash);
    details.put("request", tree(services.json(), services.requests().bytes(request)));
    // In the start's transaction: a refused start leaves no request behind.
    services.audit().recordWithRun(execution.getProcessInstanceId(), AuditEventType.REQUESTED, "request", requester,
        runbook.title() + " requested", details);
  }

  /**
   * The authenticated user who starts the run; a run called by another run is its caller's requester's.
   * A start with no authenticated user is refused: every run must have someone a second person can differ from.
   */
  private String requester(DelegateExecution execution, Map<String, Object> details, String timerStart) {
    DelegateExecution caller = execution.getSuperExecution();
    if (caller != null) {
      String callerRun = caller.getProcessInstanceId();
      details.put("calledBy", callerRun);
      return services.ledger().of(callerRun).requester()
          .orElseThrow(() -> new InvalidInputException("the calling run " + callerRun + " has no requester"));
    }
    Authentication authentication = execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    if ((authentication == null || authentication.getUserId() == null) && timerStart != null) {
      return Requesters.scheduled(timerStart);
    }
    if (authentication == null || authentication.getUserId() == null) {
      throw new InvalidInputException("a " + runbook.title() + " must be started by an authenticated user, so that a second person can approve it");
    }
    return authentication.getUserId();
  }

  /** The timer start event the run started at, or null when it started otherwise. */
  private static String timerStartEvent(DelegateExecution execution) {
    String activityId = execution.getCurrentActivityId();
    if (activityId == null || execution.getBpmnModelInstance() == null) {
      return null;
    }
    ModelElementInstance element = execution.getBpmnModelInstance().getModelElementById(activityId);
    return element instanceof StartEvent start && start.getEventDefinitions().stream().anyMatch(TimerEventDefinition.class::isInstance)
        && !(start.getParentElement() instanceof SubProcess) ? activityId : null;
  }

  private static Object tree(ObjectMapper json, byte[] bytes) {
    try {
      return json.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the built-in listeners need, handed over once by the plugin. */
  record RunbookServices(AuditTrail audit, ApprovalLedger ledger, RunbookRequests requests, ObjectMapper json) {}
}
