package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunLedgerTest {

  private static final List<String> PASS = List.of("recheck-plan", "safety-export", "reset", "verify");

  private final List<AuditEvent> events = new ArrayList<>();

  @Test
  void shouldNameTheRequesterAndTheRequestHashFromTheFirstRequest() {
    add(AuditEventType.REQUESTED, "request", "op", "{\"requestHash\":\"r1\"}");
    add(AuditEventType.REQUESTED, "request", "mallory", "{\"requestHash\":\"r2\"}");

    assertThat(ledger().requester()).contains("op");
    assertThat(ledger().requestHash()).contains("r1");
    assertThat(new RunLedger(List.of(), new ObjectMapper()).requester()).isEmpty();
    assertThat(new RunLedger(List.of(), new ObjectMapper()).requestHash()).isEmpty();
  }

  @Test
  void shouldLetTheStepsOfAStandingApprovalRunOnceEachInOrder() {
    approvedRun();

    RunLedger.GivenApproval approval = ledger().authorise(PASS, "recheck-plan");
    assertThat(approval.approver()).isEqualTo("appr");
    assertThat(approval.planHash()).isEqualTo("h1");
    assertThat(approval.eventId()).isEqualTo(3);
    finished("recheck-plan");
    assertThat(ledger().authorise(PASS, "safety-export").eventId()).isEqualTo(3);
    finished("safety-export");
    ledger().authorise(PASS, "reset");
    // A failed attempt is not a finished step: the engine's retry may run it again.
    add(AuditEventType.STEP_FAILED, "reset", "rebound", "{}");
    ledger().authorise(PASS, "reset");
    finished("reset");
    ledger().authorise(PASS, "verify");
  }

  @Test
  void shouldRefuseAStepThatAlreadyRanUnderTheApproval() {
    approvedRun();
    finished("recheck-plan");
    finished("safety-export");
    finished("reset");

    assertThatThrownBy(() -> ledger().authorise(PASS, "reset")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("reset refused: it already ran under the approval 3 given by appr");
  }

  @Test
  void shouldRefuseAStepWhoseTurnHasNotCome() {
    approvedRun();
    finished("recheck-plan");

    assertThatThrownBy(() -> ledger().authorise(PASS, "verify"))
        .hasMessageContaining("safety-export, reset must finish first under the approval 3");
    assertThatThrownBy(() -> ledger().authorise(PASS, "wipe")).hasMessageContaining("not part of this run's approved pass");
  }

  @Test
  void shouldRefuseEverythingWithoutAnApproval() {
    add(AuditEventType.REQUESTED, "request", "op", "{}");
    add(AuditEventType.PLAN_COMPUTED, "preflight", "rebound", "{\"planHash\":\"h1\"}");

    assertThat(ledger().standingApproval()).isEmpty();
    assertThatThrownBy(() -> ledger().authorise(PASS, "recheck-plan")).hasMessageContaining("no approval stands");
  }

  @Test
  void shouldNotLetAnApprovalStandPastANewPlanARejectionOrAnExpiry() {
    for (AuditEventType after : List.of(AuditEventType.PLAN_CHANGED, AuditEventType.PLAN_COMPUTED, AuditEventType.REJECTED,
        AuditEventType.APPROVAL_EXPIRED)) {
      events.clear();
      approvedRun();
      add(after, "x", "rebound", "{\"planHash\":\"h2\"}");
      assertThat(ledger().standingApproval()).as(after.name()).isEmpty();
    }
  }

  @Test
  void shouldLetALaterApprovalOfTheNewPlanStandAndStartANewPass() {
    approvedRun();
    finished("recheck-plan");
    add(AuditEventType.PLAN_CHANGED, "recheck-plan", "rebound", "{\"planHash\":\"h2\"}");
    add(AuditEventType.APPROVED, "approval", "other", "{\"planHash\":\"h2\"}");

    RunLedger.GivenApproval approval = ledger().authorise(PASS, "recheck-plan");
    assertThat(approval.approver()).isEqualTo("other");
    assertThat(approval.planHash()).isEqualTo("h2");
    assertThat(ledger().presentedPlanHash()).contains("h2");
  }

  @Test
  void shouldNotLetAnApprovalForAnotherPlanStand() {
    add(AuditEventType.REQUESTED, "request", "op", "{}");
    add(AuditEventType.PLAN_COMPUTED, "preflight", "rebound", "{\"planHash\":\"h1\"}");
    add(AuditEventType.APPROVED, "approval", "appr", "{\"planHash\":\"h0\"}");
    assertThat(ledger().standingApproval()).isEmpty();

    events.clear();
    add(AuditEventType.APPROVED, "approval", "appr", "{}");
    assertThat(ledger().standingApproval()).isEmpty();
  }

  @Test
  void shouldRefuseEveryStepOnceTheRunEnded() {
    approvedRun();
    finished("recheck-plan");
    add(AuditEventType.ENDED, "end", "rebound", "{}");

    assertThat(ledger().ended()).isTrue();
    assertThatThrownBy(() -> ledger().authorise(PASS, "safety-export")).hasMessageContaining("the run has ended");
  }

  @Test
  void shouldReadDetailsThatAreNotJsonAsAbsent() {
    add(AuditEventType.REQUESTED, "request", "op", "not json");
    add(AuditEventType.PLAN_COMPUTED, "preflight", "rebound", "{\"planHash\":null}");

    assertThat(ledger().requestHash()).isEmpty();
    assertThat(ledger().presentedPlanHash()).isEmpty();
  }

  @Test
  void shouldGuardOnlyRunbooksThatHaveAnApproval() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApprovedPass(null, null).of(new io.rebound.compare.TableCompareRunbook(null, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("table-compare has no approval to guard its steps with");
  }

  @Test
  void shouldLetTheStepsOfAnUnattendedRunPassOnceEachInOrderCountedFromItsRequest() {
    add(AuditEventType.REQUESTED, "request", "op", "{}");
    add(AuditEventType.PLAN_COMPUTED, "preflight", "rebound", "{\"planHash\":\"h1\"}");

    RunLedger.GivenApproval under = ledger().authoriseUnattended(PASS, "recheck-plan");
    assertThat(under.eventId()).isEqualTo(1);
    assertThat(under.approver()).startsWith("nobody");
    assertThat(under.at()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(under.planHash()).isEmpty();
    assertThatThrownBy(() -> ledger().authoriseUnattended(PASS, "reset")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("reset refused: recheck-plan, safety-export must finish first since the request 1");
    finished("recheck-plan");
    add(AuditEventType.STEP_FAILED, "safety-export", "rebound", "{}");
    ledger().authoriseUnattended(PASS, "safety-export");
    finished("safety-export");
    ledger().authoriseUnattended(PASS, "reset");
    finished("reset");

    assertThatThrownBy(() -> ledger().authoriseUnattended(PASS, "safety-export")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("safety-export refused: it already ran since the request 1; an unattended run passes each step once");
    assertThatThrownBy(() -> ledger().authoriseUnattended(PASS, "wipe")).hasMessageContaining("wipe refused: it is not part of this run's pass");
    add(AuditEventType.ENDED, "end", "rebound", "{}");
    assertThatThrownBy(() -> ledger().authoriseUnattended(PASS, "verify")).hasMessageContaining("the run has ended");
  }

  @Test
  void shouldRefuseAnUnattendedStepOfARunWithoutARequest() {
    finished("recheck-plan");

    assertThatThrownBy(() -> ledger().authoriseUnattended(PASS, "recheck-plan")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("no request for this run");
  }

  private void approvedRun() {
    add(AuditEventType.REQUESTED, "request", "op", "{}");
    add(AuditEventType.PLAN_COMPUTED, "preflight", "rebound", "{\"planHash\":\"h1\"}");
    add(AuditEventType.APPROVED, "approval", "appr", "{\"planHash\":\"h1\"}");
  }

  private void finished(String step) {
    add(AuditEventType.STEP_FINISHED, step, "rebound", "{}");
  }

  private void add(AuditEventType type, String step, String actor, String details) {
    long id = events.size() + 1;
    events.add(new AuditEvent(id, "run", type.name(), step, actor, "2026-01-01T00:00:00Z", null, details, "p", "h"));
  }

  private RunLedger ledger() {
    return new RunLedger(events, new ObjectMapper());
  }
}
