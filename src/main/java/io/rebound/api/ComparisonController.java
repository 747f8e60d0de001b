package io.rebound.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.compare.ComparisonReport;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.TableCompareProcess;
import io.rebound.config.ReboundGroups;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/comparisons}: start a table comparison, follow it, retry its failed tables. */
@RestController
@RequestMapping("/api/comparisons")
class ComparisonController {

  private final ComparisonStore store;
  private final RuntimeService runtime;
  private final Callers callers;
  private final ObjectMapper json;
  private final HistoryService history;

  ComparisonController(ComparisonStore store, RuntimeService runtime, Callers callers, ObjectMapper json, HistoryService history) {
    this.history = history;
    this.store = store;
    this.runtime = runtime;
    this.callers = callers;
    this.json = json;
  }

  @Operation(summary = "Start a table comparison",
      description = "Compares tables between two targets by primary-key chunks hashed inside each database.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "source, destination, tables (names or objects with name, destinationName, primaryKey, where, chunkSize), chunkSize, parallelism, maxReportedDifferences"))
  @ApiResponse(responseCode = "201", description = "started: id, state, links")
  @ApiResponse(responseCode = "400", description = "invalid input; nothing started")
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

  /**
   * Comparisons newest first, as the caller may see their runs, each with its state, {@code identical} and its
   * tables' counts (not their samples: those are in {@code GET /api/comparisons/{id}}).
   */
  @Operation(summary = "List comparisons, newest first",
      description = "Each with its state, identical and its tables' counts, without sample keys.")
  @Parameter(name = "max", description = "how many, 1-1000 (default 50)")
  @ApiResponse(responseCode = "200", description = "the comparisons")
  @ApiResponse(responseCode = "400", description = "max out of range")
  @GetMapping
  List<Map<String, Object>> list(@RequestParam(defaultValue = "50") int max) {
    callers.requireGroup("reading comparisons", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    if (max < 1 || max > 1000) {
      throw new InvalidInputException("'max' must be between 1 and 1000");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (HistoricProcessInstance run : history.createHistoricProcessInstanceQuery().processDefinitionKey(TableCompareProcess.KEY)
        .orderByProcessInstanceStartTime().desc().listPage(0, max * 2)) {
      HistoricVariableInstance comparisonId = history.createHistoricVariableInstanceQuery().processInstanceId(run.getId())
          .variableName(TableCompareProcess.Variables.COMPARISON_ID).singleResult();
      if (comparisonId != null && comparisonId.getValue() != null && ids.size() < max) {
        ids.add(comparisonId.getValue().toString());
      }
    }
    List<Map<String, Object>> comparisons = new ArrayList<>();
    for (String id : ids) {
      store.comparison(id).ifPresent(comparison -> {
        Map<String, Object> view = report(comparison);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tables = (List<Map<String, Object>>) view.get("tables");
        view.put("tables", tables.stream().map(t -> {
          Map<String, Object> brief = new LinkedHashMap<>(t);
          brief.remove("samples");
          brief.remove("columnsDiffering");
          return brief;
        }).toList());
        comparisons.add(view);
      });
    }
    return comparisons;
  }

  @Operation(summary = "One comparison with per-table results",
      description = "identical is true only when every table was compared to its end and no row is missing or different on either side.")
  @Parameter(name = "id", description = "the comparison's id")
  @ApiResponse(responseCode = "200", description = "state, per-table counts, progress, samples")
  @ApiResponse(responseCode = "404", description = "no such comparison")
  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id) {
    callers.requireGroup("reading a comparison", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    Comparison comparison = store.comparison(id).orElseThrow(() -> new RunNotFoundException("no comparison " + id));
    return report(comparison);
  }

  /** The comparison as a report to read ({@code format=md}, the one format): verdict, counts, sample keys, columns that differ. */
  @Operation(summary = "A comparison as a report to read (Markdown)",
      description = "Verdict, per-table counts, sample keys and, for sampled rows, the columns that differ (secret values withheld).")
  @Parameter(name = "id", description = "the comparison's id")
  @Parameter(name = "format", description = "md, the one format")
  @ApiResponse(responseCode = "200", description = "the report as text/markdown")
  @ApiResponse(responseCode = "400", description = "another format")
  @ApiResponse(responseCode = "404", description = "no such comparison")
  @GetMapping("/{id}/report")
  ResponseEntity<String> readable(@PathVariable String id, @RequestParam(defaultValue = "md") String format) {
    callers.requireGroup("reading a comparison", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    if (!format.equals("md")) {
      throw new InvalidInputException("'format' must be md (Markdown), not " + Inputs.shape(format));
    }
    Comparison comparison = store.comparison(id).orElseThrow(() -> new RunNotFoundException("no comparison " + id));
    return ResponseEntity.ok().contentType(MediaType.valueOf("text/markdown;charset=UTF-8"))
        .body(ComparisonMarkdown.markdown(comparison, store.tables(id), running(id)));
  }

  /**
   * The comparison's report, with {@code identical}: true only when every table was compared and found equal, and
   * {@code verdict}, the same in words.
   */
  private Map<String, Object> report(Comparison comparison) {
    List<ComparisonStore.TableRow> tables = store.tables(comparison.id());
    boolean running = running(comparison.id());
    Map<String, Object> view = new LinkedHashMap<>(ComparisonReport.of(comparison, tables, running, Instant.now()));
    view.put("identical", Verdict.identical(tables, running));
    view.put("verdict", ComparisonMarkdown.verdict(tables, running));
    view.put("links", Map.of("self", "/api/comparisons/" + comparison.id(), "report", "/api/comparisons/" + comparison.id() + "/report?format=md"));
    return view;
  }

  @Operation(summary = "Compare the failed tables again")
  @Parameter(name = "id", description = "the comparison's id")
  @ApiResponse(responseCode = "202", description = "a run comparing the failed tables started")
  @ApiResponse(responseCode = "404", description = "no such comparison")
  @ApiResponse(responseCode = "409", description = "the comparison is still running")
  @PostMapping("/{id}/retry-failed")
  ResponseEntity<Map<String, Object>> retryFailed(@PathVariable String id) {
    // Asked first, so that someone who may not compare cannot tell from the answer whether a comparison exists.
    callers.requireGroup("retrying a comparison", ReboundGroups.OPERATORS, ReboundGroups.ADMINS);
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
