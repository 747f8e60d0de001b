package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepLog;
import java.util.TreeMap;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Verify: invalid objects, key tables with rows, sequences past the values in use; a summary for the run. */
@Component
public class VerifyDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final RestoreRuns runs;
  private final ObjectMapper json;

  public VerifyDelegate(AuditTrail audit, SchemaRestoreService service, RestoreRuns runs, ObjectMapper json) {
    super(audit);
    this.service = service;
    this.runs = runs;
    this.json = json;
  }

  @Override
  protected String step() {
    return "verify";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) throws JsonProcessingException {
    VerifyReport report = service.verify(runs.request(execution), log);
    execution.setVariable(VERIFY_SUMMARY, report.summary());
    execution.setVariable(INVALID_OBJECTS, String.join("\n", report.invalidObjects()));
    execution.setVariable(ROW_COUNTS, json.writeValueAsString(new TreeMap<>(report.rowCounts())));
    log.fact("rowCounts", new TreeMap<>(report.rowCounts()));
    log.fact("sequences", new TreeMap<>(report.sequences()));
    if (!report.passed()) {
      execution.setVariable(FAILURE_REASON, "verification failed: " + report.summary());
      throw new BpmnError(SchemaRestoreProcess.Errors.VERIFICATION_FAILED, report.summary());
    }
    return report.summary();
  }
}
