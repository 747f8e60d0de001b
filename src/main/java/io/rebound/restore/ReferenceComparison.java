package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * A restore's last check against a reference target: the key tables of the restored schema are compared
 * with the same tables there (the table-compare process, called from the model), and the run ends failed
 * when they differ.
 */
@Component("restoreComparison")
public class ReferenceComparison {

  /** The tables the called comparison compares: the key tables, in the restored owner's schema. */
  public String tables(DelegateExecution execution) {
    String owner = (String) execution.getVariable(SCHEMA_OWNER);
    String keyTables = (String) execution.getVariable(KEY_TABLES);
    return String.join(",", Arrays.stream(keyTables.split(",")).filter(t -> !t.isBlank()).map(t -> owner + "." + t.strip()).toList());
  }

  /** Reads what the called comparison found and decides whether the restore matches its reference. */
  @Component("checkReferenceDelegate")
  static class CheckReferenceDelegate extends AuditedStep {
    private final ComparisonStore store;

    CheckReferenceDelegate(AuditTrail audit, ComparisonStore store) {
      super(audit);
      this.store = store;
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
      String outcome = (matches ? "matches reference " : "differs from reference ") + execution.getVariable(REFERENCE_TARGET)
          + ": " + summary + "details in /api/comparisons/" + comparisonId;
      if (!matches) {
        execution.setVariable(FAILURE_REASON, outcome);
      }
      return outcome;
    }
  }
}
