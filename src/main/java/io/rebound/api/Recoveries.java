package io.rebound.api;

import io.rebound.restore.RunOutcome;
import io.rebound.restore.SchemaRestoreProcess;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;

/** The state of runs, read from the engine's runtime and history as the current user may see them. */
@Component
class Recoveries {

  /** Where a run stands. */
  enum State { RUNNING, WAITING_FOR_APPROVAL, COMPLETED, REJECTED, EXPIRED, FAILED }

  /** One run as the API shows it. */
  record Recovery(
      String id,
      String process,
      String state,
      List<String> currentStep,
      Integer progress,
      String startedBy,
      Date startTime,
      Date endTime,
      String incident,
      String failureReason,
      Map<String, String> links) {}

  /** The runbooks whose runs are recoveries (a comparison is not: it has its own API). */
  private static final String[] RECOVERY_RUNBOOKS = {SchemaRestoreProcess.KEY};

  private final HistoryService history;
  private final RuntimeService runtime;

  Recoveries(HistoryService history, RuntimeService runtime) {
    this.history = history;
    this.runtime = runtime;
  }

  List<Recovery> list(int max) {
    return history.createHistoricProcessInstanceQuery()
        .processDefinitionKeyIn(RECOVERY_RUNBOOKS)
        .orderByProcessInstanceStartTime().desc()
        .listPage(0, max).stream().map(this::view).toList();
  }

  Optional<Recovery> get(String processInstanceId) {
    return Optional.ofNullable(history.createHistoricProcessInstanceQuery().processInstanceId(processInstanceId)
            .processDefinitionKeyIn(RECOVERY_RUNBOOKS).singleResult())
        .map(this::view);
  }

  private Recovery view(HistoricProcessInstance instance) {
    String id = instance.getId();
    Integer progress = number(variable(id, SchemaRestoreProcess.Variables.PROGRESS));
    Object failure = variable(id, SchemaRestoreProcess.Variables.FAILURE_REASON);
    String failureReason = failure == null ? null : failure.toString();
    Map<String, String> links = Map.of("self", "/api/recoveries/" + id, "audit", "/api/recoveries/" + id + "/audit");
    if (instance.getEndTime() != null) {
      State state = switch (instance.getState()) {
        case HistoricProcessInstance.STATE_COMPLETED -> State.valueOf(RunOutcome.ofEndEvent(instance.getEndActivityId()).name());
        default -> State.FAILED;
      };
      return new Recovery(id, instance.getProcessDefinitionKey(), state.name(), List.of(), progress, instance.getStartUserId(),
          instance.getStartTime(), instance.getEndTime(), null,
          state == State.FAILED && failureReason == null ? "run was cancelled: " + instance.getDeleteReason() : failureReason, links);
    }
    List<String> active;
    try {
      active = runtime.getActiveActivityIds(id);
    } catch (NullValueException ended) {
      // The run ended between the two looks: its history now says how.
      return view(history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult());
    }
    Incident incident = runtime.createIncidentQuery().processInstanceId(id).list().stream().findFirst().orElse(null);
    State state = incident != null ? State.FAILED
        : active.contains(SchemaRestoreProcess.Elements.APPROVE_RESET) ? State.WAITING_FOR_APPROVAL
        : State.RUNNING;
    return new Recovery(id, instance.getProcessDefinitionKey(), state.name(), active, progress, instance.getStartUserId(),
        instance.getStartTime(), null, incident == null ? null : incident.getActivityId() + ": " + incident.getIncidentMessage(),
        failureReason, links);
  }

  private Object variable(String processInstanceId, String name) {
    HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId).variableName(name).disableCustomObjectDeserialization().list()
        .stream().findFirst().orElse(null);
    return variable == null ? null : variable.getValue();
  }

  private static Integer number(Object value) {
    return value instanceof Number n ? n.intValue() : null;
  }
}
