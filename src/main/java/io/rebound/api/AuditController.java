package io.rebound.api;

import io.rebound.api.ApiExceptionHandler.ForbiddenException;
import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/audit/verify}: walks the whole hash chain and says whether it is intact. */
@RestController
class AuditController {

  private final AuditTrail audit;
  private final IdentityService identity;

  AuditController(AuditTrail audit, IdentityService identity) {
    this.audit = audit;
    this.identity = identity;
  }

  @GetMapping("/api/audit/verify")
  AuditTrail.Verification verify() {
    Authentication authentication = identity.getCurrentAuthentication();
    if (authentication == null || authentication.getGroupIds() == null
        || !(authentication.getGroupIds().contains(ReboundGroups.ADMINS) || authentication.getGroupIds().contains(ReboundGroups.OPERATORS))) {
      throw new ForbiddenException("verifying the audit trail needs membership in " + ReboundGroups.OPERATORS + " or " + ReboundGroups.ADMINS);
    }
    return audit.verify();
  }
}
