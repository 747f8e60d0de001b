package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.COMPARISON_ID;
import static io.rebound.compare.TableCompareProcess.Variables.PARALLELISM;

import java.util.List;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The collections the model iterates, as expressions: {@code ${comparisonPlan.lanes(execution)}} gives one
 * lane per parallel branch, {@code ${comparisonPlan.tablesOfLane(execution, lane)}} the run's tables a
 * lane compares one after another. At most {@code parallelism} tables are compared at a time.
 */
@Component("comparisonPlan")
public class ComparisonPlan {

  private final ComparisonStore store;

  public ComparisonPlan(ComparisonStore store) {
    this.store = store;
  }

  public List<Integer> lanes(DelegateExecution execution) {
    int pending = pending(execution).size();
    int parallelism = ((Number) execution.getVariable(PARALLELISM)).intValue();
    return IntStream.range(0, Math.max(1, Math.min(parallelism, pending))).boxed().toList();
  }

  public List<String> tablesOfLane(DelegateExecution execution, Object lane) {
    List<String> pending = pending(execution);
    int lanes = lanes(execution).size();
    int index = ((Number) lane).intValue();
    return IntStream.range(0, pending.size()).filter(i -> i % lanes == index).mapToObj(pending::get).toList();
  }

  /** The run's tables: the engine evaluates these collections again at each step, so they must not change. */
  private List<String> pending(DelegateExecution execution) {
    return store.tablesOfRun((String) execution.getVariable(COMPARISON_ID), execution.getProcessInstanceId());
  }
}
