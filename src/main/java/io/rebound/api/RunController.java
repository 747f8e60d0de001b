package io.rebound.api;

import io.rebound.api.ApiExceptionHandler.ConflictException;
import io.rebound.api.ApiExceptionHandler.ForbiddenException;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.Runbooks;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/runs}: every run of every runbook, what the console reads; cancelling a run that waits for its
 * approval; retrying a failed step. Who may read runs is who may read the audit trail.
 */
@RestController
@RequestMapping("/api")
class RunController {

  private static final String[] READERS = {ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS};
  private static final int MAX_REASON = 1000;

  private final Runs runs;
  private final RunCancellation cancellation;
  private final Callers callers;
  private final IdentityService identity;
  private final RuntimeService runtime;
  private final ManagementService management;
  private final Runbooks runbooks;

  RunController(Runs runs, RunCancellation cancellation, Callers callers, IdentityService identity, RuntimeService runtime,
      ManagementService management, Runbooks runbooks) {
    this.runs = runs;
    this.cancellation = cancellation;
    this.callers = callers;
    this.identity = identity;
    this.runtime = runtime;
    this.management = management;
    this.runbooks = runbooks;
  }

  /** Who is calling and what the console may offer them. */
  @Operation(summary = "The caller",
      description = "Their user id, groups and the runbooks, for the console.")
  @ApiResponse(responseCode = "200", description = "the caller")
  @GetMapping("/me")
  Map<String, Object> me() {
    Authentication authentication = identity.getCurrentAuthentication();
    if (authentication == null || authentication.getUserId() == null) {
      throw new ForbiddenException("no authenticated user");
    }
    List<String> groups = authentication.getGroupIds() == null ? List.of() : authentication.getGroupIds();
    return Map.of("user", authentication.getUserId(), "groups", groups,
        "runbooks", runbooks.all().stream().map(r -> Map.of("key", r.key(), "title", r.title())).toList());
  }

  @Operation(summary = "Every run of every runbook, newest first",
      description = "Filtered by runbook, state, target and requester, one page at a time.")
  @Parameter(name = "runbook", description = "a runbook's key, or a schedule's process key")
  @Parameter(name = "state", description = "RUNNING, WAITING_FOR_APPROVAL, COMPLETED, COMPLETED_WITH_FAILURES, REJECTED, EXPIRED, FAILED, CANCELLED")
  @Parameter(name = "target", description = "the target a run acts on")
  @Parameter(name = "requester", description = "who asked for the run")
  @Parameter(name = "page", description = "from 0")
  @Parameter(name = "size", description = "1-200 (default 50)")
  @ApiResponse(responseCode = "200", description = "runs, page, size, more")
  @ApiResponse(responseCode = "400", description = "an unknown runbook or state, or page or size out of range")
  @GetMapping("/runs")
  Runs.Page list(@RequestParam(required = false) String runbook, @RequestParam(required = false) String state,
      @RequestParam(required = false) String target, @RequestParam(required = false) String requester,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    callers.requireGroup("reading runs", READERS);
    if (page < 0 || page > 10_000) {
      throw new InvalidInputException("'page' must be between 0 and 10000");
    }
    if (size < 1 || size > 200) {
      throw new InvalidInputException("'size' must be between 1 and 200");
    }
    if (runbook != null && !runbooks.isRunbook(runbook)) {
      throw new InvalidInputException("'runbook' must be one of " + runbooks.keys());
    }
    if (state != null && !states().contains(state)) {
      throw new InvalidInputException("'state' must be one of " + states());
    }
    return runs.list(new Runs.Filter(runbook, state, blankToNull(target), blankToNull(requester)), page, size);
  }

  @Operation(summary = "One run with everything the console shows",
      description = "Timeline, plan and its hash, the decision, the approval task while it waits, incidents, runs it started, comparison, tool logs.")
  @Parameter(name = "id", description = "the run's id")
  @ApiResponse(responseCode = "200", description = "the run")
  @ApiResponse(responseCode = "404", description = "no such run")
  @GetMapping("/runs/{id}")
  Runs.Detail get(@PathVariable String id) {
    callers.requireGroup("reading runs", READERS);
    return runs.detail(id, isAdmin(), callers.userId(), isAdmin()).orElseThrow(() -> new RunNotFoundException("no run " + id));
  }

  /**
   * Cancels a run that waits for its approval: its requester or an administrator, with an optional
   * {@code reason}. Recorded in the audit trail as the run's end, CANCELLED, by the caller.
   */
  @Operation(summary = "Cancel a run that waits for its approval",
      description = "By its requester or an administrator; the audit trail's ENDED event says CANCELLED and who.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"reason\": \"...\"}, optional"))
  @Parameter(name = "id", description = "the run's id")
  @ApiResponse(responseCode = "200", description = "the run, now CANCELLED")
  @ApiResponse(responseCode = "400", description = "a body with anything but reason")
  @ApiResponse(responseCode = "403", description = "neither the requester nor an administrator")
  @ApiResponse(responseCode = "404", description = "no such run")
  @ApiResponse(responseCode = "409", description = "the run has moved on past its approval")
  @PostMapping("/runs/{id}/cancel")
  Runs.Detail cancel(@PathVariable String id, @RequestBody(required = false) Map<String, Object> body) {
    callers.requireGroup("cancelling a run", READERS);
    String reason = reason(body);
    HistoricProcessInstance instance = runs.instance(id).orElseThrow(() -> new RunNotFoundException("no run " + id));
    Runs.Run run = runs.get(id).orElseThrow(() -> new RunNotFoundException("no run " + id));
    String caller = callers.userId();
    boolean admin = isAdmin();
    Optional<CancelRule.Refusal> refusal = CancelRule.check(caller, admin, Optional.ofNullable(run.requester()), run.state());
    if (refusal.isPresent()) {
      throw refusal.get().forbidden() ? new ForbiddenException(refusal.get().message()) : new ConflictException(refusal.get().message());
    }
    boolean asRequester = !admin;
    cancellation.cancel(id, runbooks.get(instance.getProcessDefinitionKey()),
        "cancelled by " + caller + (reason == null ? "" : ": " + reason), asRequester);
    return get(id);
  }

  /** Gives the failed step of an open incident one more try, as Cockpit's retry does; the engine decides who may. */
  @Operation(summary = "Retry a failed step",
      description = "Administrators: one more try of the step whose retries ran out, as Cockpit's retry.")
  @Parameter(name = "id", description = "the run's id")
  @Parameter(name = "incidentId", description = "the incident's id")
  @ApiResponse(responseCode = "202", description = "the step is tried again")
  @ApiResponse(responseCode = "403", description = "not an administrator")
  @ApiResponse(responseCode = "404", description = "no such run or incident")
  @PostMapping("/runs/{id}/incidents/{incidentId}/retry")
  ResponseEntity<Runs.Detail> retry(@PathVariable String id, @PathVariable String incidentId) {
    callers.requireGroup("retrying a step", ReboundGroups.ADMINS);
    Incident incident = runtime.createIncidentQuery().processInstanceId(id).incidentId(incidentId).singleResult();
    if (incident == null) {
      throw new RunNotFoundException("run " + id + " has no open incident " + incidentId);
    }
    if (incident.getConfiguration() == null || !"failedJob".equals(incident.getIncidentType())) {
      throw new ConflictException("incident " + incidentId + " is not a failed step that can be retried");
    }
    management.setJobRetries(incident.getConfiguration(), 1);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(get(id));
  }

  private boolean isAdmin() {
    Authentication authentication = identity.getCurrentAuthentication();
    return authentication != null && authentication.getGroupIds() != null && authentication.getGroupIds().contains(ReboundGroups.ADMINS);
  }

  private static String reason(Map<String, Object> body) {
    if (body == null) {
      return null;
    }
    Inputs.onlyAccepted(body, Set.of("reason"));
    Object reason = body.get("reason");
    if (reason != null && !(reason instanceof String)) {
      throw new InvalidInputException("'reason' must be text, not " + Inputs.shape(reason));
    }
    String text = reason == null ? null : ((String) reason).strip();
    if (text != null && text.length() > MAX_REASON) {
      throw new InvalidInputException("'reason' must be at most " + MAX_REASON + " characters");
    }
    return text == null || text.isEmpty() ? null : text;
  }

  private static List<String> states() {
    return java.util.Arrays.stream(Recoveries.State.values()).map(Enum::name).toList();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
