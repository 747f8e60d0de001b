package io.rebound.api;

import io.rebound.restore.SchemaRestoreProcess;
import io.rebound.runbook.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/schema-restores}: starts a schema restore from a JSON body of its inputs. */
@RestController
@RequestMapping("/api/schema-restores")
class SchemaRestoreController {

  private final RuntimeService runtime;

  SchemaRestoreController(RuntimeService runtime) {
    this.runtime = runtime;
  }

  /** The answer to a start: the run's id and where to follow it. */
  record Started(String id, String state, Map<String, String> links) {}

  @Operation(summary = "Start a schema restore",
      description = "Validated as every way in is; the run stops at its approval before anything is destroyed.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "target, dumpFile, and a profile or schemaOwner, companionUsers, keyTables, safetyExport"))
  @ApiResponse(responseCode = "201", description = "started: id and links")
  @ApiResponse(responseCode = "400", description = "invalid input; nothing started")
  @PostMapping
  ResponseEntity<Started> start(@RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body with the restore's inputs is required");
    }
    // Validated once, by the run's start listener, as on every other way in: invalid input answers 400 and starts nothing.
    ProcessInstance instance = runtime.startProcessInstanceByKey(SchemaRestoreProcess.KEY, body);
    String self = "/api/recoveries/" + instance.getId();
    return ResponseEntity.created(URI.create(self))
        .body(new Started(instance.getId(), "RUNNING", Map.of("self", self, "audit", self + "/audit",
            "engine", "/engine-rest/process-instance/" + instance.getId())));
  }
}
