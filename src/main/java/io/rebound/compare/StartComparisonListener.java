package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.*;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.Requesters;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Runs when a comparison starts, whichever way: validates the inputs and records the comparison and its
 * tables in the engine's transaction, so a refused start leaves nothing behind. With {@code retryOf}, the
 * run takes up an earlier comparison's failed tables instead.
 */
@Component
public class StartComparisonListener implements ExecutionListener {

  private final ComparisonInputs inputs;
  private final ComparisonStore store;
  private final AuditTrail audit;

  public StartComparisonListener(ComparisonInputs inputs, ComparisonStore store, AuditTrail audit) {
    this.inputs = inputs;
    this.store = store;
    this.audit = audit;
  }

  @Override
  public void notify(DelegateExecution execution) {
    // Called from another run (a restore checking its result), the comparison is that run's requester's.
    Object caller = execution.getSuperExecution() == null ? null : execution.getSuperExecution().getVariable("initiator");
    String requester = caller != null ? caller.toString() : Requesters.of(execution, "a comparison must be started by an authenticated user");
    Object retryOf = execution.getVariable(RETRY_OF);
    String comparisonId;
    Map<String, Object> details = new LinkedHashMap<>();
    if (retryOf != null && !retryOf.toString().isBlank()) {
      comparisonId = retryOf.toString().strip();
      Comparison comparison = store.comparison(comparisonId)
          .orElseThrow(() -> new InvalidInputException("no comparison " + comparisonId + " to retry"));
      List<String> failed = store.resetFailed(comparisonId, execution.getProcessInstanceId());
      if (failed.isEmpty()) {
        throw new InvalidInputException("comparison " + comparisonId + " has no failed table to retry");
      }
      execution.setVariable(SOURCE, comparison.source());
      execution.setVariable(DESTINATION, comparison.destination());
      execution.setVariable(PARALLELISM, comparison.parallelism());
      execution.setVariable(TABLE_COUNT, failed.size());
      details.put("retryOf", comparisonId);
      details.put("tables", failed);
    } else {
      Map<String, Object> given = execution.getVariables();
      ComparisonRequest request = inputs.parse(given);
      comparisonId = execution.getProcessInstanceId();
      store.create(new Comparison(comparisonId, request.source(), request.destination(), request.chunkSize(), request.parallelism(),
          request.maxDifferences(), Instant.now()), request.tables());
      // The tables live in the store; the run keeps only what a person looking at it needs.
      execution.removeVariable(TABLES);
      execution.setVariable(SOURCE, request.source());
      execution.setVariable(DESTINATION, request.destination());
      execution.setVariable(CHUNK_SIZE, request.chunkSize());
      execution.setVariable(PARALLELISM, request.parallelism());
      execution.setVariable(MAX_DIFFERENCES, request.maxDifferences());
      execution.setVariable(TABLE_COUNT, request.tables().size());
      details.put("source", request.source());
      details.put("destination", request.destination());
      details.put("tables", request.tables().stream().map(TableSpec::name).toList());
    }
    execution.setVariable(COMPARISON_ID, comparisonId);
    audit.record(execution.getProcessInstanceId(), AuditEventType.REQUESTED, "request", requester,
        retryOf == null ? "comparison requested" : "retry of failed tables requested", details);
  }
}
