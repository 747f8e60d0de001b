package io.rebound.api;

import io.rebound.api.ApiExceptionHandler.ForbiddenException;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/** Who is calling, as the authentication filter made them the engine's current user. */
@Component
class Callers {

  private final IdentityService identity;

  Callers(IdentityService identity) {
    this.identity = identity;
  }

  /** The authenticated caller, or null. */
  String userId() {
    Authentication authentication = identity.getCurrentAuthentication();
    return authentication == null ? null : authentication.getUserId();
  }

  /** Refuses with 403 unless the caller is in one of the groups. */
  void requireGroup(String what, String... groups) {
    Authentication authentication = identity.getCurrentAuthentication();
    if (authentication == null || authentication.getGroupIds() == null
        || authentication.getGroupIds().stream().noneMatch(List.of(groups)::contains)) {
      throw new ForbiddenException(what + " needs membership in one of " + List.of(groups));
    }
  }
}
