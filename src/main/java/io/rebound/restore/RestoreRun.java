package io.rebound.restore;

import io.rebound.runbook.RunbookRequests;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * What the schema-restore model asks of a run's request, as expressions ({@code ${restoreRun.safetyExport(execution)}}):
 * gateways and the reference comparison read the request validated at the start, never a variable
 * someone could have set since.
 */
@Component("restoreRun")
public class RestoreRun {

  private final RunbookRequests requests;
  private final SchemaRestoreRunbook runbook;

  public RestoreRun(RunbookRequests requests, SchemaRestoreRunbook runbook) {
    this.requests = requests;
    this.runbook = runbook;
  }

  public boolean safetyExport(DelegateExecution execution) {
    return request(execution).safetyExport();
  }

  public boolean hasReference(DelegateExecution execution) {
    return request(execution).referenceTarget() != null;
  }

  public String target(DelegateExecution execution) {
    return request(execution).target();
  }

  public String referenceTarget(DelegateExecution execution) {
    return request(execution).referenceTarget();
  }

  /** The tables the reference comparison compares: the key tables, in the restored owner's schema, as names. */
  public String referenceTables(DelegateExecution execution) {
    SchemaRestoreRequest request = request(execution);
    return String.join(",", request.keyTables().stream().map(table -> request.schemaOwner() + "." + table).toList());
  }

  private SchemaRestoreRequest request(DelegateExecution execution) {
    return requests.read(execution, runbook);
  }
}
