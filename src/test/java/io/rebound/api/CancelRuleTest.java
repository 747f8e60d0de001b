package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CancelRuleTest {

  @Test
  void shouldLetTheRequesterCancelARunWaitingForApproval() {
    assertThat(CancelRule.check("op", false, Optional.of("op"), "WAITING_FOR_APPROVAL")).isEmpty();
  }

  @Test
  void shouldLetAnAdministratorCancelSomeoneElsesWaitingRun() {
    assertThat(CancelRule.check("adm", true, Optional.of("op"), "WAITING_FOR_APPROVAL")).isEmpty();
    assertThat(CancelRule.check("adm", true, Optional.empty(), "WAITING_FOR_APPROVAL")).isEmpty();
  }

  @Test
  void shouldForbidAnyoneElse() {
    CancelRule.Refusal refusal = CancelRule.check("appr", false, Optional.of("op"), "WAITING_FOR_APPROVAL").orElseThrow();
    assertThat(refusal.forbidden()).isTrue();
    assertThat(refusal.message()).isEqualTo("only the requester of this run (op) or an administrator may cancel it");
  }

  @Test
  void shouldForbidWhenTheRequesterIsUnknownAndTheCallerIsNoAdministrator() {
    CancelRule.Refusal refusal = CancelRule.check("op", false, Optional.empty(), "WAITING_FOR_APPROVAL").orElseThrow();
    assertThat(refusal.forbidden()).isTrue();
    assertThat(refusal.message()).contains("(unknown)");
  }

  @Test
  void shouldForbidAnUnauthenticatedCaller() {
    CancelRule.Refusal refusal = CancelRule.check(null, true, Optional.of("op"), "WAITING_FOR_APPROVAL").orElseThrow();
    assertThat(refusal.forbidden()).isTrue();
    assertThat(refusal.message()).contains("authenticated");
  }

  @Test
  void shouldRefuseARunThatIsNotWaitingForApprovalAsAConflict() {
    for (String state : new String[] {"RUNNING", "FAILED", "COMPLETED", "REJECTED", "CANCELLED", "EXPIRED"}) {
      CancelRule.Refusal refusal = CancelRule.check("op", false, Optional.of("op"), state).orElseThrow();
      assertThat(refusal.forbidden()).isFalse();
      assertThat(refusal.message()).isEqualTo("the run is " + state + ": only a run waiting for its approval can be cancelled");
    }
    assertThat(CancelRule.check("adm", true, Optional.of("op"), "RUNNING").orElseThrow().forbidden()).isFalse();
  }

  @Test
  void shouldSayWhoMayBeforeWhenForSomeoneElsesFinishedRun() {
    assertThat(CancelRule.check("appr", false, Optional.of("op"), "COMPLETED").orElseThrow().forbidden()).isTrue();
  }
}
