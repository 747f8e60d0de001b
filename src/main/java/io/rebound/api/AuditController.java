package io.rebound.api;

import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/audit/verify}: walks the whole chain, compares its end with the anchor kept outside the
 * engine database, and says whether the trail is intact and, if not, the first thing that does not fit.
 */
@RestController
class AuditController {

  private final AuditTrail audit;
  private final Callers callers;

  AuditController(AuditTrail audit, Callers callers) {
    this.audit = audit;
    this.callers = callers;
  }

  @Operation(summary = "Verify the whole audit trail",
      description = "Walks the hash chain of every row and compares its end with the anchor kept outside the engine database.")
  @ApiResponse(responseCode = "200", description = "intact, rows, firstBrokenId, problem, anchor (MATCHES, NONE, DOES_NOT_MATCH, MISSING, UNREADABLE, FORGED, KEY_CHANGED), keyedFrom")
  @GetMapping("/api/audit/verify")
  AuditTrail.Verification verify() {
    callers.requireGroup("verifying the audit trail", ReboundGroups.OPERATORS, ReboundGroups.ADMINS);
    return audit.verify();
  }
}
