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

  /**
   * One run as the API shows it: {@code currentStep} by the model's names, {@code currentStepIds} the same steps by
   * their ids; {@code requester} whoever the run's trail says asked for it (a schedule, or the caller of a run that
   * called this one), where {@code startedBy} is the engine's start user, empty for those.
   */
  record Recovery(
      String id,
      String process,
      String state,
      String target,
      JsonNode inputs,
      String requester,
      List<String> currentStep,
      List<String> currentStepIds,
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
  private final Runs runs;

  Recoveries(HistoryService history, RuntimeService runtime, Runbooks runbooks, Runs runs) {
    this.history = history;
    this.runtime = runtime;
    this.runbooks = runbooks;
    this.runs = runs;
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
    JsonNode request = request(requested);
    return Optional.of(new Recovery(id, detail(requested, "runbook"), state, Runs.target(request), Runs.summary(request), requested.actor(),
        List.of(), List.of(), null, null, requested.actor(),
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

  private static JsonNode request(AuditEvent event) {
    try {
      JsonNode node = event.details() == null ? null : JSON.readTree(event.details()).get("request");
      return node == null || node.isNull() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private Recovery view(HistoricProcessInstance instance) {
    String id = instance.getId();
    Object job = variable(id, RunVariables.JOB_HOST);
    String jobHost = job == null ? null : job.toString();
    Map<String, String> links = Map.of("self", "/api/recoveries/" + id, "audit", "/api/recoveries/" + id + "/audit");
    // What the runs list shows (state, target, inputs, requester, steps by name, why it ended), read one way for both.
    Runs.Run run = runs.of(instance).orElseThrow(() -> new IllegalStateException("run " + id + " is of no registered runbook"));
    if (instance.getEndTime() != null) {
      return new Recovery(id, instance.getProcessDefinitionKey(), run.state(), run.target(), run.inputs(), run.requester(), List.of(),
          List.of(), run.progress(), jobHost, instance.getStartUserId(), instance.getStartTime(), instance.getEndTime(), null,
          run.failureReason(), links);
    }
    List<String> active;
    try {
      active = runtime.getActiveActivityIds(id);
    } catch (NullValueException ended) {
      // The run ended between the two looks: its history now says how.
      return view(history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult());
    }
    Incident incident = runtime.createIncidentQuery().processInstanceId(id).list().stream().findFirst().orElse(null);
    return new Recovery(id, instance.getProcessDefinitionKey(), run.state(), run.target(), run.inputs(), run.requester(),
        run.currentStep(), active, run.progress(), jobHost, instance.getStartUserId(), instance.getStartTime(), null,
        incident == null ? null : incident.getActivityId() + ": " + incident.getIncidentMessage(), run.failureReason(), links);
  }

  private Object variable(String processInstanceId, String name) {
    HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId).variableName(name).disableCustomObjectDeserialization().list()
        .stream().findFirst().orElse(null);
    return variable == null ? null : variable.getValue();
  }
}
