package io.rebound.repair;

import io.rebound.api.ApiError;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/workstation-repairs} starts a repair; {@code GET /api/workstations/{id}/diagnosis} says
 * whether a workstation needs one, and why, without starting anything.
 */
@RestController
class WorkstationRepairController {

  private final RuntimeService runtime;
  private final WorkstationDiagnosis diagnosis;
  private final Workstations workstations;
  private final IdentityService identity;

  WorkstationRepairController(RuntimeService runtime, WorkstationDiagnosis diagnosis, Workstations workstations, IdentityService identity) {
    this.runtime = runtime;
    this.diagnosis = diagnosis;
    this.workstations = workstations;
    this.identity = identity;
  }

  /** The answer to a start: the run's id and where to follow it. */
  record Started(String id, String state, Map<String, String> links) {}

  @Operation(summary = "Start a workstation repair",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"workstation\": \"<id>\"}"))
  @ApiResponse(responseCode = "201", description = "started: id and links")
  @ApiResponse(responseCode = "400", description = "invalid input; nothing started")
  @PostMapping("/api/workstation-repairs")
  ResponseEntity<Started> start(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body naming the workstation is required: {\"workstation\": \"<id>\"}");
    }
    // Validated once, by the run's start listener, as on every other way in: invalid input answers 400 and starts nothing.
    ProcessInstance instance = runtime.startProcessInstanceByKey(WorkstationRepairProcess.KEY, body);
    String self = "/api/recoveries/" + instance.getId();
    return ResponseEntity.created(URI.create(self)).body(new Started(instance.getId(), "RUNNING",
        Map.of("self", self, "audit", self + "/audit", "engine", "/engine-rest/process-instance/" + instance.getId())));
  }

  @Operation(summary = "Diagnose a workstation",
      description = "Whether it needs a repair, why, and every number read; starts nothing.")
  @Parameter(name = "id", description = "the workstation's id")
  @ApiResponse(responseCode = "200", description = "needsRepair, reasons, readings")
  @ApiResponse(responseCode = "404", description = "no such workstation")
  @GetMapping("/api/workstations/{id}/diagnosis")
  ResponseEntity<?> diagnosis(@PathVariable("id") String id) {
    Authentication caller = identity.getCurrentAuthentication();
    List<String> allowed = List.of(ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    if (caller == null || caller.getGroupIds() == null || caller.getGroupIds().stream().noneMatch(allowed::contains)) {
      return error(HttpStatus.FORBIDDEN, "reading a workstation's diagnosis needs membership in one of " + allowed);
    }
    if (!Workstations.ID.matcher(id).matches()) {
      return error(HttpStatus.BAD_REQUEST, "a workstation id is letters, digits, '_' and '-', at most 64");
    }
    if (!workstations.exists(id)) {
      return error(HttpStatus.NOT_FOUND, "unknown workstation '" + id + "'; configured workstations: " + workstations.ids());
    }
    return ResponseEntity.ok(diagnosis.diagnose(id));
  }

  private static ResponseEntity<ApiError> error(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(new ApiError(status.value(), status.getReasonPhrase(), message));
  }
}
