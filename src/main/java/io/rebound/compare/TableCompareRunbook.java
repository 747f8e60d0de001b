package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.*;

import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.runbook.Approval;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunbookInputs;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The table comparison as the runbook core knows it. It destroys nothing, so it needs no approval. Its
 * start records the comparison and its tables in the engine's transaction, so a refused start leaves
 * nothing behind; with {@code retryOf}, the run takes up an earlier comparison's failed tables instead.
 */
@Component
public class TableCompareRunbook implements Runbook<TableCompareRequest>, RunbookInputs<TableCompareRequest> {

  private final ComparisonInputs inputs;
  private final ComparisonStore store;

  public TableCompareRunbook(ComparisonInputs inputs, ComparisonStore store) {
    this.inputs = inputs;
    this.store = store;
  }

  @Override
  public String key() {
    return TableCompareProcess.KEY;
  }

  @Override
  public String title() {
    return "table comparison";
  }

  @Override
  public RunbookInputs<TableCompareRequest> inputs() {
    return this;
  }

  @Override
  public Optional<Approval<TableCompareRequest>> approval() {
    return Optional.empty();
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(TableCompareProcess.Elements.END_COMPLETED, RunOutcome.COMPLETED,
        TableCompareProcess.Elements.END_COMPLETED_WITH_FAILURES, RunOutcome.COMPLETED_WITH_FAILURES);
  }

  @Override
  public Class<TableCompareRequest> type() {
    return TableCompareRequest.class;
  }

  @Override
  public TableCompareRequest parse(Map<String, ?> variables) {
    String retryOf = Inputs.text(variables.get(RETRY_OF), RETRY_OF);
    if (retryOf != null) {
      Inputs.onlyAccepted(variables, Set.of(RETRY_OF));
      return new TableCompareRequest(null, retryOf);
    }
    Map<String, Object> rest = new LinkedHashMap<>(variables);
    rest.remove(RETRY_OF);
    return new TableCompareRequest(inputs.parse(rest), null);
  }

  /** The tables live in the store; the run shows only what a person looking at it needs. */
  @Override
  public Map<String, Object> display(TableCompareRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    ComparisonRequest comparison = request.comparison();
    if (comparison != null) {
      variables.put(SOURCE, comparison.source());
      variables.put(DESTINATION, comparison.destination());
      variables.put(CHUNK_SIZE, comparison.chunkSize());
      variables.put(PARALLELISM, comparison.parallelism());
      variables.put(MAX_DIFFERENCES, comparison.maxDifferences());
      variables.put(TABLE_COUNT, comparison.tables().size());
    } else {
      variables.put(RETRY_OF, request.retryOf());
    }
    return variables;
  }

  @Override
  public void started(DelegateExecution execution, TableCompareRequest request) {
    if (request.retryOf() != null) {
      String comparisonId = request.retryOf();
      Comparison comparison = store.comparison(comparisonId)
          .orElseThrow(() -> new InvalidInputException("no comparison " + comparisonId + " to retry"));
      boolean running = execution.getProcessEngineServices().getRuntimeService().createProcessInstanceQuery()
          .processDefinitionKey(TableCompareProcess.KEY).variableValueEquals(COMPARISON_ID, comparisonId).count() > 0;
      if (running) {
        throw new InvalidInputException("comparison " + comparisonId + " is still running; retry its failed tables once it has ended");
      }
      List<String> failed = store.resetFailed(comparisonId, execution.getProcessInstanceId());
      if (failed.isEmpty()) {
        throw new InvalidInputException("comparison " + comparisonId + " has no failed table to retry");
      }
      execution.setVariable(SOURCE, comparison.source());
      execution.setVariable(DESTINATION, comparison.destination());
      execution.setVariable(PARALLELISM, comparison.parallelism());
      execution.setVariable(TABLE_COUNT, failed.size());
      execution.setVariable(COMPARISON_ID, comparisonId);
      return;
    }
    ComparisonRequest comparison = request.comparison();
    store.create(new Comparison(execution.getProcessInstanceId(), comparison.source(), comparison.destination(), comparison.chunkSize(),
        comparison.parallelism(), comparison.maxDifferences(), Instant.now()), comparison.tables());
    execution.setVariable(COMPARISON_ID, execution.getProcessInstanceId());
  }
}
