package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.INITIATOR;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.Requesters;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Runs when a schema restore is started, whichever way: validates the inputs and rewrites them in
 * canonical form, records who asked. Invalid input throws {@link InvalidInputException}, which rolls the
 * start back: no instance is created.
 */
@Component
public class StartRequestListener implements ExecutionListener {

  private final SchemaRestoreInputs inputs;
  private final AuditTrail audit;

  public StartRequestListener(SchemaRestoreInputs inputs, AuditTrail audit) {
    this.inputs = inputs;
    this.audit = audit;
  }

  @Override
  public void notify(DelegateExecution execution) {
    String requester = Requesters.of(execution, "a recovery must be started by an authenticated user, so that a second person can approve it");
    Map<String, Object> given = execution.getVariables();
    SchemaRestoreRequest request = inputs.parse(given);
    Map<String, Object> canonical = inputs.toVariables(request);
    // Inputs left empty in a form reach here as empty strings; they are replaced by their canonical values.
    given.keySet().stream().filter(name -> !canonical.containsKey(name)).forEach(execution::removeVariable);
    execution.setVariables(canonical);
    execution.setVariable(INITIATOR, requester);
    audit.record(execution.getProcessInstanceId(), AuditEventType.REQUESTED, "request", requester, "schema restore requested",
        canonical);
  }
}
