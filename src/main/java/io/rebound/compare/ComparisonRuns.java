package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.COMPARISON_ID;
import static io.rebound.compare.TableCompareProcess.Variables.RETRY_OF;

import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.TableRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;

/**
 * Comparisons and the engine's runs of them. A comparison outlives its runs (a retry of its failed tables is
 * another run of the same comparison): it is running while any of them goes on, and where it stands is read
 * from its tables and that ({@link ComparisonReport#state}). Comparisons are listed newest first by their runs'
 * starts, each once.
 */
@Component
public class ComparisonRuns {

  private final ComparisonStore store;
  private final RuntimeService runtime;
  private final HistoryService history;

  public ComparisonRuns(ComparisonStore store, RuntimeService runtime, HistoryService history) {
    this.store = store;
    this.runtime = runtime;
    this.history = history;
  }

  /** A comparison as it stands: its tables as stored, and whether a run of it is still going. */
  public record Standing(Comparison comparison, List<TableRow> tables, boolean running) {}

  /** Where the comparison stands, or empty when there is no such comparison. */
  public Optional<Standing> standing(String comparisonId) {
    return store.comparison(comparisonId).map(comparison -> standing(comparison));
  }

  private Standing standing(Comparison comparison) {
    List<TableRow> tables = store.tables(comparison.id());
    return new Standing(comparison, tables, running(comparison.id()));
  }

  /** Whether a run of the comparison (the first or a retry) is still going. */
  public boolean running(String comparisonId) {
    return runtime.createProcessInstanceQuery().processDefinitionKey(TableCompareProcess.KEY).variableValueEquals(COMPARISON_ID, comparisonId)
        .count() > 0;
  }

  /**
   * At most {@code max} comparisons, newest first: those of the latest runs, each once (a retry's run names the
   * comparison it retries), leaving out runs refused before they recorded one.
   */
  public List<Standing> newest(int max) {
    Set<String> ids = new LinkedHashSet<>();
    for (HistoricProcessInstance run : history.createHistoricProcessInstanceQuery().processDefinitionKey(TableCompareProcess.KEY)
        .orderByProcessInstanceStartTime().desc().listPage(0, max * 2)) {
      HistoricVariableInstance comparisonId = history.createHistoricVariableInstanceQuery().processInstanceId(run.getId())
          .variableName(COMPARISON_ID).singleResult();
      if (comparisonId != null && comparisonId.getValue() != null && ids.size() < max) {
        ids.add(comparisonId.getValue().toString());
      }
    }
    List<Standing> comparisons = new ArrayList<>();
    for (String id : ids) {
      store.comparison(id).ifPresent(comparison -> comparisons.add(standing(comparison)));
    }
    return comparisons;
  }

  /** Starts a run comparing tables; its start listener validates the variables and records the comparison. Returns the run's id. */
  public String start(Map<String, Object> variables) {
    return runtime.startProcessInstanceByKey(TableCompareProcess.KEY, variables).getId();
  }

  /** Starts a run comparing the comparison's failed tables again. Returns the run's id. */
  public String retryFailed(String comparisonId) {
    return runtime.startProcessInstanceByKey(TableCompareProcess.KEY, Map.of(RETRY_OF, comparisonId)).getId();
  }
}
