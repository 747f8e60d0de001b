package io.rebound.api;

import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/audit/verify}: walks the whole hash chain and says whether it is intact. */
@RestController
class AuditController {

  private final AuditTrail audit;
  private final Callers callers;

  AuditController(AuditTrail audit, Callers callers) {
    this.audit = audit;
    this.callers = callers;
  }

  @GetMapping("/api/audit/verify")
  AuditTrail.Verification verify() {
    callers.requireGroup("verifying the audit trail", ReboundGroups.OPERATORS, ReboundGroups.ADMINS);
    return audit.verify();
  }
}
