package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.COMPARISON_ID;
import static io.rebound.compare.TableCompareProcess.Variables.FAILED_TABLES;

import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the table-compare process as a whole, one bean each under the name the model calls. The steps of one
 * table's branch are in {@link TableSteps}: they are named by their table and end a table, not the run, when they fail,
 * which a step of the shared base does not do.
 */
@Configuration(proxyBeanMethods = false)
class ComparisonSteps {

  private final RunbookSteps<TableCompareRequest> steps;
  private final ComparisonStore store;

  ComparisonSteps(RunbookSteps.Services services, TableCompareRunbook runbook, ComparisonStore store) {
    this.steps = services.of(runbook);
    this.store = store;
  }

  /** Once every table's branch has ended: how many tables failed (the model's last gateway reads it) and how many rows differ. */
  @Bean
  RunbookStep summariseComparisonDelegate() {
    return steps.step("summary", (execution, log) -> {
      List<TableRow> tables = store.tables((String) execution.getVariable(COMPARISON_ID));
      List<String> failed = tables.stream().filter(t -> t.status() == Status.FAILED).map(TableRow::name).toList();
      execution.setVariable(FAILED_TABLES, failed.size());
      long differences = tables.stream().mapToLong(t -> t.result().differences()).sum();
      return tables.size() + " tables, " + failed.size() + " failed, " + differences + " rows differ";
    });
  }
}
