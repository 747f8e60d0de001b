package io.rebound.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.api.ApiExceptionHandler.RunNotFoundException;
import io.rebound.compare.ComparisonReport;
import io.rebound.compare.ComparisonRuns;
import io.rebound.compare.ComparisonRuns.Standing;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * {@code /api/comparisons}: start a table comparison, follow it, retry its failed tables. Where a comparison
 * stands and its runs are the comparison package's ({@link ComparisonRuns}, {@link ComparisonReport}); this
 * asks who may, checks the request, and writes the answer.
 */
@RestController
@RequestMapping("/api/comparisons")
class ComparisonController {

  private final ComparisonRuns runs;
  private final Callers callers;
  private final ObjectMapper json;

  ComparisonController(ComparisonRuns runs, Callers callers, ObjectMapper json) {
    this.runs = runs;
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
    String run = runs.start(variables);
    String self = "/api/comparisons/" + run;
    return ResponseEntity.created(URI.create(self)).body(Map.of("id", run, "state", "RUNNING", "links", Map.of("self", self)));
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
    return runs.newest(max).stream().map(standing -> {
      Map<String, Object> view = report(standing);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> tables = (List<Map<String, Object>>) view.get("tables");
      view.put("tables", tables.stream().map(ComparisonReport::withoutSamples).toList());
      return view;
    }).toList();
  }

  @Operation(summary = "One comparison with per-table results",
      description = "identical is true only when every table was compared to its end and no row is missing or different on either side.")
  @Parameter(name = "id", description = "the comparison's id")
  @ApiResponse(responseCode = "200", description = "state, per-table counts, progress, samples")
  @ApiResponse(responseCode = "404", description = "no such comparison")
  @GetMapping("/{id}")
  Map<String, Object> get(@PathVariable String id) {
    callers.requireGroup("reading a comparison", ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS);
    return report(standing(id));
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
    Standing standing = standing(id);
    return ResponseEntity.ok().contentType(MediaType.valueOf("text/markdown;charset=UTF-8"))
        .body(ComparisonMarkdown.markdown(standing.comparison(), standing.tables(), standing.running()));
  }

  /**
   * The comparison's report, with {@code identical}: true only when every table was compared and found equal, and
   * {@code verdict}, the same in words.
   */
  static Map<String, Object> report(Standing standing) {
    String id = standing.comparison().id();
    Map<String, Object> view = new LinkedHashMap<>(ComparisonReport.of(standing.comparison(), standing.tables(), standing.running(), Instant.now()));
    view.put("identical", Verdict.identical(standing.tables(), standing.running()));
    view.put("verdict", ComparisonMarkdown.verdict(standing.tables(), standing.running()));
    view.put("links", Map.of("self", "/api/comparisons/" + id, "report", "/api/comparisons/" + id + "/report?format=md"));
    return view;
  }

  private Standing standing(String id) {
    return runs.standing(id).orElseThrow(() -> new RunNotFoundException("no comparison " + id));
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
    if (standing(id).running()) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .body(Map.of("status", 409, "error", "Conflict", "message", "comparison " + id + " is still running"));
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id, "run", runs.retryFailed(id), "state", "RUNNING"));
  }
}
