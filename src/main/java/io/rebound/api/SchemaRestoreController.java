package io.rebound.api;

import io.rebound.restore.SchemaRestoreProcess;
import io.rebound.runbook.InvalidInputException;
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
