package io.rebound.api;

import java.util.Optional;

/**
 * Who may cancel a run, and when: its requester or an administrator, while the run waits for its approval.
 * Before the approval nothing has been changed on the target and the request can simply be withdrawn; after it
 * a run is stopped only through its incidents and Cockpit, where the step it is in is known.
 */
final class CancelRule {

  /** Why a cancellation is refused: who may not ({@code forbidden}) or the run cannot be cancelled now (conflict). */
  record Refusal(boolean forbidden, String message) {}

  private CancelRule() {}

  /**
   * @param caller the authenticated user, or null
   * @param admin whether the caller is an administrator
   * @param requester who asked for the run, as its audit trail recorded it; empty when unknown
   * @param state the run's state as the API shows it
   * @return empty when the caller may cancel the run now, otherwise why not
   */
  static Optional<Refusal> check(String caller, boolean admin, Optional<String> requester, String state) {
    if (caller == null) {
      return Optional.of(new Refusal(true, "cancelling a run needs an authenticated user"));
    }
    if (!admin && !requester.map(caller::equals).orElse(false)) {
      return Optional.of(new Refusal(true, "only the requester of this run (" + requester.orElse("unknown")
          + ") or an administrator may cancel it"));
    }
    if (!Recoveries.State.WAITING_FOR_APPROVAL.name().equals(state)) {
      return Optional.of(new Refusal(false, "the run is " + state + ": only a run waiting for its approval can be cancelled"));
    }
    return Optional.empty();
  }
}
