package io.rebound.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditTrail;
import org.springframework.stereotype.Component;

/** Reads a run's ledger (request, plans, approvals, steps) from the audit trail. */
@Component
public class ApprovalLedger {

  private final AuditTrail audit;
  private final ObjectMapper json;

  public ApprovalLedger(AuditTrail audit, ObjectMapper json) {
    this.audit = audit;
    this.json = json;
  }

  public RunLedger of(String processInstanceId) {
    return new RunLedger(audit.events(processInstanceId), json);
  }
}
