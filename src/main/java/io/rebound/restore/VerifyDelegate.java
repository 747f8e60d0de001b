package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.StepLog;
import java.util.TreeMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Verify: invalid objects, key tables with rows, sequences past the values in use; a summary for the run.
 * Guarded like the steps before it: moving sequences changes the target.
 */
@Component
public class VerifyDelegate extends AuditedStep {

  private final SchemaRestoreService service;
  private final Plans plans;
  private final ObjectMapper json;

  public VerifyDelegate(AuditTrail audit, SchemaRestoreService service, Plans plans, ApprovedPass pass, SchemaRestoreRunbook runbook,
      ObjectMapper json) {
    super(audit, pass.of(runbook));
    this.service = service;
    this.plans = plans;
    this.json = json;
  }

  @Override
  protected String step() {
    return SchemaRestoreRunbook.VERIFY;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) throws JsonProcessingException {
    VerifyReport report = service.verify(plans.approved(execution, RestorePlan.class), log);
    execution.setVariable(VERIFY_SUMMARY, report.summary());
    execution.setVariable(INVALID_OBJECTS, String.join("\n", report.invalidObjects()));
    execution.setVariable(ROW_COUNTS, json.writeValueAsString(new TreeMap<>(report.rowCounts())));
    log.fact("rowCounts", new TreeMap<>(report.rowCounts()));
    log.fact("sequences", report.sequences());
    if (!report.passed()) {
      throw fail(execution, SchemaRestoreProcess.Errors.VERIFICATION_FAILED, "verification failed: " + report.summary());
    }
    return report.summary();
  }
}
