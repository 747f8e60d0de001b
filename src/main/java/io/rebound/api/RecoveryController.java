package io.rebound.api;

import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.Approval;
import io.rebound.runbook.ApprovalLedger;
import io.rebound.runbook.ApprovalRefusedException;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.Runbooks;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/recoveries}: the runs, their state, their approval and their audit trail. */
@RestController
@RequestMapping("/api/recoveries")
class RecoveryController {

  private final Recoveries recoveries;
  private final AuditTrail audit;
  private final Callers callers;
  private final TaskService tasks;
  private final ObjectMapper json;
  private final Runbooks runbooks;
  private final ApprovalLedger ledger;

  RecoveryController(Recoveries recoveries, AuditTrail audit, Callers callers, TaskService tasks, ObjectMapper json, Runbooks runbooks,
      ApprovalLedger ledger) {
    this.json = json;
    this.runbooks = runbooks;
    this.ledger = ledger;
    this.recoveries = recoveries;
    this.audit = audit;
    this.callers = callers;
    this.tasks = tasks;
  }

  @Operation(summary = "List schema restores, newest first")
  @Parameter(name = "max", description = "how many, 1-1000 (default 100)")
  @ApiResponse(responseCode = "200", description = "the runs")
  @GetMapping
  List<Recoveries.Recovery> list(@RequestParam(defaultValue = "100") int max) {
    return recoveries.list(Math.max(1, Math.min(max, 1000)));
  }

  @Operation(summary = "One schema restore",
      description = "State, current step (in words, id alongside), progress, incident, failure reason.")
  @Parameter(name = "processInstanceId", description = "the run's id")
  @ApiResponse(responseCode = "200", description = "the run")
  @ApiResponse(responseCode = "404", description = "no such run")
  @GetMapping("/{processInstanceId}")
  Recoveries.Recovery get(@PathVariable String processInstanceId) {
    return recoveries.get(processInstanceId).orElseThrow(() -> new RunNotFoundException("no run " + processInstanceId));
  }

  @Operation(summary = "A run's audit trail",
      description = "Events oldest first with their hashes; format=md a readable report. Served from the trail even once the engine's history of the run is gone.")
  @Parameter(name = "processInstanceId", description = "the run's id")
  @Parameter(name = "format", description = "md for a Markdown report; JSON events otherwise")
  @ApiResponse(responseCode = "200", description = "the events, or the report")
  @ApiResponse(responseCode = "404", description = "no such run")
  @GetMapping("/{processInstanceId}/audit")
  ResponseEntity<?> audit(@PathVariable String processInstanceId, @RequestParam(required = false) String format) {
    callers.requireGroup("reading the audit trail", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    List<AuditEvent> events = audit.events(processInstanceId);
    Recoveries.Recovery recovery = inEngineOrTrail(processInstanceId, events);
    if ("md".equals(format)) {
      return ResponseEntity.ok().contentType(MediaType.valueOf("text/markdown;charset=UTF-8")).body(AuditReport.markdown(recovery, events));
    }
    return ResponseEntity.ok(events);
  }

  /**
   * The run as the engine's history shows it, or, once that history is gone (history clean-up, or deleted by
   * an administrator), as its audit trail tells it: the trail outlives the engine's history.
   */
  private Recoveries.Recovery inEngineOrTrail(String processInstanceId, List<AuditEvent> events) {
    return recoveries.get(processInstanceId).or(() -> Recoveries.fromTrail(processInstanceId, events))
        .orElseThrow(() -> new RunNotFoundException("no run " + processInstanceId));
  }

  /** The whole plan last computed for the run, as the approver reads it. */
  @Operation(summary = "The plan last computed for a run, as the approver reads it")
  @Parameter(name = "processInstanceId", description = "the run's id")
  @ApiResponse(responseCode = "200", description = "the plan as text")
  @ApiResponse(responseCode = "404", description = "no such run, or no plan yet")
  @GetMapping(value = "/{processInstanceId}/plan", produces = MediaType.TEXT_PLAIN_VALUE)
  String plan(@PathVariable String processInstanceId) {
    callers.requireGroup("reading the plan", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    List<AuditEvent> events = audit.events(processInstanceId);
    inEngineOrTrail(processInstanceId, events);
    for (int i = events.size() - 1; i >= 0; i--) {
      AuditEvent event = events.get(i);
      if (event.type().equals(AuditEventType.PLAN_COMPUTED.name()) || event.type().equals(AuditEventType.PLAN_CHANGED.name())) {
        try {
          return json.readTree(event.details()).path("plan").asText();
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("the plan event " + event.id() + " cannot be read", e);
        }
      }
    }
    throw new RunNotFoundException("run " + processInstanceId + " has no plan yet");
  }

  /**
   * The decision on a run's approval: {@code approved} (true or false) and an optional {@code comment},
   * nothing else. An approver decides on what was asked; they cannot change it.
   */
  @Operation(summary = "Approve or reject a run",
      description = "Four eyes: the requester of a run can never approve it.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"approved\": true|false, \"comment\": \"...\"} and nothing else"))
  @Parameter(name = "processInstanceId", description = "the run's id")
  @ApiResponse(responseCode = "200", description = "the run after the decision")
  @ApiResponse(responseCode = "400", description = "a body that is not exactly approved and comment")
  @ApiResponse(responseCode = "403", description = "the caller requested this run, or is no approver")
  @ApiResponse(responseCode = "404", description = "the run is not waiting for an approval the caller can see")
  @PostMapping("/{processInstanceId}/approval")
  ResponseEntity<Recoveries.Recovery> approve(@PathVariable String processInstanceId, @RequestBody(required = false) Map<String, Object> decision) {
    if (decision == null) {
      throw new InvalidInputException("a JSON body is required: {\"approved\": true|false, \"comment\": \"...\"}");
    }
    Inputs.onlyAccepted(decision, Set.copyOf(Approval.DECISION));
    Object decided = decision.get(Approval.APPROVED);
    if (decided == null) {
      throw new InvalidInputException("approved (true or false) is required");
    }
    if (!(decided instanceof Boolean approved)) {
      throw new InvalidInputException("'approved' must be true or false, not " + Inputs.shape(decided));
    }
    Object comment = decision.get(Approval.COMMENT);
    if (comment != null && !(comment instanceof String)) {
      throw new InvalidInputException("'comment' must be text, not " + Inputs.shape(comment));
    }
    String caller = callers.userId();
    if (caller != null && ledger.of(processInstanceId).requester().map(caller::equals).orElse(false)) {
      // The engine hides the approval from its requester; say why rather than "not found", and keep the attempt.
      String refusal = "four eyes: " + caller + " requested this run and cannot approve it";
      audit.recordRefusal(processInstanceId, "approval", caller, refusal, Map.of());
      throw new ApprovalRefusedException(refusal);
    }
    String[] approvalTasks = runbooks.destructive().stream()
        .map(r -> r.approval().orElseThrow().taskId()).distinct().toArray(String[]::new);
    Task task = tasks.createTaskQuery().processInstanceId(processInstanceId).taskDefinitionKeyIn(approvalTasks).singleResult();
    if (task == null) {
      throw new RunNotFoundException("run " + processInstanceId + " is not waiting for an approval you can see");
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put(Approval.APPROVED, approved);
    variables.put(Approval.COMMENT, comment == null ? "" : comment);
    try {
      tasks.complete(task.getId(), variables);
    } catch (ProcessEngineException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ApprovalRefusedException refused) {
          throw refused;
        }
      }
      throw e;
    }
    return ResponseEntity.ok(get(processInstanceId));
  }
}
