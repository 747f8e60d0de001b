package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepLog;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * A restore's last check against a reference target: the key tables of the restored schema are compared
 * with the same tables there (the table-compare process, called from the model with the tables
 * {@link RestoreRun#referenceTables} names), and the run ends failed when they differ.
 */
@Component("checkReferenceDelegate")
class ReferenceComparison extends AuditedStep {

  private final ComparisonStore store;
  private final RunbookRequests requests;
  private final SchemaRestoreRunbook runbook;

  ReferenceComparison(AuditTrail audit, ComparisonStore store, RunbookRequests requests, SchemaRestoreRunbook runbook) {
    super(audit);
    this.store = store;
    this.requests = requests;
    this.runbook = runbook;
  }

  @Override
  protected String step() {
    return "compare-with-reference";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    String comparisonId = (String) execution.getVariable(COMPARISON_ID);
    List<TableRow> tables = store.tables(comparisonId);
    StringBuilder summary = new StringBuilder();
    boolean matches = !tables.isEmpty();
    for (TableRow table : tables) {
      long differences = table.result().differences();
      matches &= table.status() == Status.COMPLETED && differences == 0;
      summary.append(table.name()).append(": ")
          .append(table.status() == Status.FAILED ? "could not be compared (" + table.error() + ")" : differences + " rows differ")
          .append("; ");
      log.fact(table.name(), table.status() == Status.FAILED ? table.error() : differences + " rows differ");
    }
    log.fact("comparisonId", comparisonId);
    execution.setVariable(MATCHES_REFERENCE, matches);
    String outcome = (matches ? "matches reference " : "differs from reference ") + requests.read(execution, runbook).referenceTarget()
        + ": " + summary + "details in /api/comparisons/" + comparisonId;
    if (!matches) {
      execution.setVariable(RunVariables.FAILURE_REASON, outcome);
    }
    return outcome;
  }
}
