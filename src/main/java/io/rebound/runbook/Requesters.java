package io.rebound.runbook;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.identity.Authentication;

/** Who asked for a run: the engine's authenticated user at the start, required so that every run has one. */
public final class Requesters {

  /** Starts the requester of a run that a schedule started with nobody authenticated; no user id can hold ':'. */
  public static final String SCHEDULE_PREFIX = "schedule:";

  private Requesters() {}

  /** The requester of a run its schedule started, by the timer start event that fired. */
  public static String scheduled(String timerStartEventId) {
    return SCHEDULE_PREFIX + timerStartEventId;
  }

  /** The authenticated user starting the run; refuses the start with {@code why} when there is none. */
  public static String of(DelegateExecution execution, String why) {
    Authentication authentication = execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    if (authentication == null || authentication.getUserId() == null) {
      throw new InvalidInputException(why);
    }
    return authentication.getUserId();
  }
}
