package io.rebound.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.compare.ComparisonReport;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.TableCompareProcess;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.InvalidInputException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/comparisons}: start a table comparison, follow it, retry its failed tables. */
@RestController
@RequestMapping("/api/comparisons")
class ComparisonController {

  private final ComparisonStore store;
  private final RuntimeService runtime;
  private final Callers callers;
  private final ObjectMapper json;

  ComparisonController(ComparisonStore store, RuntimeService runtime, Callers callers, ObjectMapper json) {
    this.store = store;
    this.runtime = runtime;
    this.callers = callers;
    this.json = json;
  }

  @PostMapping
  ResponseEntity<Map<String, Object>> start(@RequestBody(required = false) Map<String, Object> body) throws JsonProcessingException {
    if (body == null) {
      throw new InvalidInputException("a JSON body with source, destination and tables is required");
    }
    Map<String, Object> variables = new HashMap<>(body);
    variables.remove(TableCompareProcess.Variables.RETRY_OF);
    // Validated once, by the run's start listener, as on every other way in: invalid input answers 400 and starts nothing.
    // As bytes: a list of tables with their filters can pass the 4000 characters of a text variable.
    variables.put(TableCompareProcess.Variables.TABLES, Variables.byteArrayValue(
        json.writeValueAsString(body.get(TableCompareProcess.Variables.TABLES)).getBytes(StandardCharsets.UTF_8)));
    ProcessInstance run = runtime.startProcessInstanceByKey(TableCompareProcess.KEY, variables);
    String self = "/api/comparisons/" + run.getId();
    return ResponseEntity.created(URI.create(self)).body(Map.of("id", run.getId(), "state", "RUNNING", "links", Map.of("self", self)));
  }

  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id) {
    callers.requireGroup("reading a comparison", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    Comparison comparison = store.comparison(id).orElseThrow(() -> new RunNotFoundException("no comparison " + id));
    return ComparisonReport.of(comparison, store.tables(id), running(id), Instant.now());
  }

  @PostMapping("/{id}/retry-failed")
  ResponseEntity<Map<String, Object>> retryFailed(@PathVariable String id) {
    store.comparison(id).orElseThrow(() -> new RunNotFoundException("no comparison " + id));
    if (running(id)) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .body(Map.of("status", 409, "error", "Conflict", "message", "comparison " + id + " is still running"));
    }
    ProcessInstance run = runtime.startProcessInstanceByKey(TableCompareProcess.KEY, Map.of(TableCompareProcess.Variables.RETRY_OF, id));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id, "run", run.getId(), "state", "RUNNING"));
  }

  /** Whether a run of the comparison (the first or a retry) is still going. */
  private boolean running(String id) {
    return runtime.createProcessInstanceQuery().processDefinitionKey(TableCompareProcess.KEY)
        .variableValueEquals(TableCompareProcess.Variables.COMPARISON_ID, id).count() > 0;
  }
}
