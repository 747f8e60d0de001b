package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.Runbooks;
import java.io.IOException;
import java.time.Instant;
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

  /** Where a run stands: still going, or how it ended (see {@link io.rebound.runbook.RunOutcome}). */
  enum State { RUNNING, WAITING_FOR_APPROVAL, COMPLETED, COMPLETED_WITH_FAILURES, REJECTED, EXPIRED, FAILED, CANCELLED }

  /** One run as the API shows it. */
  record Recovery(
      String id,
      String process,
      String state,
      List<String> currentStep,
      Integer progress,
      String jobHost,
      String startedBy,
      Date startTime,
      Date endTime,
      String incident,
      String failureReason,
      Map<String, String> links) {}

  private final HistoryService history;
  private final RuntimeService runtime;
  private final Runbooks runbooks;

  Recoveries(HistoryService history, RuntimeService runtime, Runbooks runbooks) {
    this.history = history;
    this.runtime = runtime;
    this.runbooks = runbooks;
  }

  /** The runs of the runbooks that destroy (a comparison is not a recovery: it has its own API), newest first. */
  List<Recovery> list(int max) {
    return history.createHistoricProcessInstanceQuery()
        .processDefinitionKeyIn(runbooks.destructive().stream().map(Runbook::key).toArray(String[]::new))
        .orderByProcessInstanceStartTime().desc()
        .listPage(0, max).stream().map(this::view).toList();
  }

  /** A run of any runbook. */
  Optional<Recovery> get(String processInstanceId) {
    return Optional.ofNullable(history.createHistoricProcessInstanceQuery().processInstanceId(processInstanceId)
            .processDefinitionKeyIn(runbooks.keys().toArray(String[]::new)).singleResult())
        .map(this::view);
  }

  /** A run whose history the engine no longer has, as its audit trail tells it; empty when the trail holds nothing of it. */
  static Optional<Recovery> fromTrail(String id, List<AuditEvent> events) {
    AuditEvent requested = events.stream().filter(e -> e.type().equals(AuditEventType.REQUESTED.name())).findFirst().orElse(null);
    if (requested == null) {
      return Optional.empty();
    }
    AuditEvent ended = events.stream().filter(e -> e.type().equals(AuditEventType.ENDED.name())).reduce((a, b) -> b).orElse(null);
    String outcome = ended == null || ended.outcome() == null ? null : ended.outcome();
    String state = outcome == null ? "UNKNOWN" : outcome.split(":", 2)[0];
    String failureReason = outcome != null && outcome.contains(": ") ? outcome.substring(outcome.indexOf(": ") + 2) : null;
    return Optional.of(new Recovery(id, detail(requested, "runbook"), state, List.of(), null, null, requested.actor(),
        Date.from(Instant.parse(requested.at())), ended == null ? null : Date.from(Instant.parse(ended.at())), null, failureReason,
        Map.of("audit", "/api/recoveries/" + id + "/audit")));
  }

  private static String detail(AuditEvent event, String key) {
    try {
      JsonNode node = JSON.readTree(event.details()).get(key);
      return node == null || node.isNull() ? null : node.asText();
    } catch (IOException e) {
      return null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private Recovery view(HistoricProcessInstance instance) {
    String id = instance.getId();
    Runbook<?> runbook = runbooks.get(instance.getProcessDefinitionKey());
    Integer progress = number(variable(id, RunVariables.PROGRESS));
    Object job = variable(id, RunVariables.JOB_HOST);
    String jobHost = job == null ? null : job.toString();
    Object failure = variable(id, RunVariables.FAILURE_REASON);
    String failureReason = failure == null ? null : failure.toString();
    Map<String, String> links = Map.of("self", "/api/recoveries/" + id, "audit", "/api/recoveries/" + id + "/audit");
    if (instance.getEndTime() != null) {
      State state = switch (instance.getState()) {
        case HistoricProcessInstance.STATE_COMPLETED -> State.valueOf(runbook.outcome(instance.getEndActivityId()).name());
        case HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED, HistoricProcessInstance.STATE_INTERNALLY_TERMINATED -> State.CANCELLED;
        default -> State.FAILED;
      };
      return new Recovery(id, instance.getProcessDefinitionKey(), state.name(), List.of(), progress, jobHost, instance.getStartUserId(),
          instance.getStartTime(), instance.getEndTime(), null,
          state == State.CANCELLED && failureReason == null ? "run was cancelled: " + instance.getDeleteReason() : failureReason, links);
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
        : runbook.approval().map(a -> active.contains(a.taskId())).orElse(false) ? State.WAITING_FOR_APPROVAL
        : State.RUNNING;
    return new Recovery(id, instance.getProcessDefinitionKey(), state.name(), active, progress, jobHost, instance.getStartUserId(),
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
