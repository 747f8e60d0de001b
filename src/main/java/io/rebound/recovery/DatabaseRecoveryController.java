package io.rebound.recovery;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.rebound.runbook.InvalidInputException;
import java.net.URI;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/database-recoveries} starts a recovery; it is followed as every run, at {@code /api/runs/{id}}. */
@RestController
class DatabaseRecoveryController {

  private final RuntimeService runtime;

  DatabaseRecoveryController(RuntimeService runtime) {
    this.runtime = runtime;
  }

  /** The answer to a start: the run's id and where to follow it. */
  record Started(String id, String state, Map<String, String> links) {}

  @Operation(summary = "Start a database recovery of a target",
      description = "Triage first; media recovery waits for a second person's approval of its plan. Followed at /api/runs/{id}.")
  @ApiResponse(responseCode = "201", description = "started: the run's id and links")
  @ApiResponse(responseCode = "400", description = "bad input (unknown target, a point that is neither latest nor an instant): nothing runs")
  @PostMapping("/api/database-recoveries")
  ResponseEntity<Started> start(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body {\"target\": ..., \"pointInTime\"?: \"latest\"|ISO instant} is required");
    }
    // Validated once, by the run's start listener, as on every other way in: invalid input answers 400 and starts nothing.
    ProcessInstance instance = runtime.startProcessInstanceByKey(DatabaseRecoveryProcess.KEY, body);
    String self = "/api/recoveries/" + instance.getId();
    return ResponseEntity.created(URI.create(self)).body(new Started(instance.getId(), "RUNNING", Map.of("self", self, "run",
        "/api/runs/" + instance.getId(), "audit", self + "/audit", "engine", "/engine-rest/process-instance/" + instance.getId())));
  }
}
