package io.rebound.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.compare.ChunkResult;
import io.rebound.compare.ComparisonInputs;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.compare.TableCompareProcess;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.InvalidInputException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

  private final ComparisonInputs inputs;
  private final ComparisonStore store;
  private final RuntimeService runtime;
  private final Callers callers;
  private final ObjectMapper json;

  ComparisonController(ComparisonInputs inputs, ComparisonStore store, RuntimeService runtime, Callers callers, ObjectMapper json) {
    this.inputs = inputs;
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
    inputs.parse(variables);
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
    List<TableRow> tables = store.tables(id);
    boolean running = running(id);
    long failed = tables.stream().filter(t -> t.status() == Status.FAILED).count();
    String state = running ? "RUNNING" : failed == 0 ? "COMPLETED" : failed == tables.size() ? "FAILED" : "COMPLETED_WITH_FAILURES";
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("state", state);
    view.put("source", comparison.source());
    view.put("destination", comparison.destination());
    view.put("createdAt", comparison.createdAt().toString());
    view.put("tables", tables.stream().map(ComparisonController::table).toList());
    return view;
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

  private static Map<String, Object> table(TableRow row) {
    ChunkResult result = row.result();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", row.name());
    view.put("status", row.status().name());
    view.put("sourceRows", result.sourceRows());
    view.put("destinationRows", result.destinationRows());
    view.put("missingInDestination", result.missingInDestination());
    view.put("missingInSource", result.missingInSource());
    view.put("different", result.different());
    view.put("samples", Map.of("missingInDestination", result.missingInDestinationKeys(), "missingInSource", result.missingInSourceKeys(),
        "different", result.differentKeys()));
    view.put("error", row.error());
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("chunksDone", row.chunksDone());
    progress.put("chunksTotal", row.chunksTotal());
    progress.put("attempts", row.attempts());
    progress.put("startedAt", row.startedAt() == null ? null : row.startedAt().toString());
    progress.put("finishedAt", row.finishedAt() == null ? null : row.finishedAt().toString());
    if (row.startedAt() != null && row.updatedAt() != null && row.chunksDone() > 0) {
      double seconds = Math.max(0.001, Duration.between(row.startedAt(), row.finishedAt() != null ? row.finishedAt() : row.updatedAt()).toMillis() / 1000.0);
      progress.put("rowsPerSecond", Math.round(Math.max(result.sourceRows(), result.destinationRows()) / seconds));
      if (row.status() == Status.RUNNING) {
        double perChunk = Duration.between(row.startedAt(), Instant.now()).toMillis() / 1000.0 / row.chunksDone();
        progress.put("etaSeconds", Math.round(perChunk * (row.chunksTotal() - row.chunksDone())));
      }
    }
    view.put("progress", progress);
    view.put("bytesRead", Map.of("source", result.sourceBytes(), "destination", result.destinationBytes()));
    return view;
  }
}
