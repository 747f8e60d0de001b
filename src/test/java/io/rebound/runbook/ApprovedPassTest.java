package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.junit.jupiter.api.Test;

/** The guard a runbook gets: the standing approval for a request that needs one, the request itself for one that does not. */
class ApprovedPassTest {

  record Request(boolean attended) {}

  static final List<String> PASS = List.of("restore", "apply");

  static final Runbook<Request> RUNBOOK = new Runbook<>() {
    @Override
    public String key() {
      return "repair";
    }

    @Override
    public String title() {
      return "repair";
    }

    @Override
    public RunbookInputs<Request> inputs() {
      return null;
    }

    @Override
    public Optional<Approval<Request>> approval() {
      return Optional.of(new Approval<>("UserTask_Approve", request -> PASS));
    }

    @Override
    public Map<String, RunOutcome> outcomes() {
      return Map.of();
    }
  };

  /** The guard for a run that was requested and never approved, asking for {@code request}. */
  static StepGuard guard(Request request) {
    return pass(request).of(RUNBOOK, Request::attended);
  }

  static ApprovedPass pass(Request request) {
    List<AuditEvent> events = List.of(new AuditEvent(7, "run-1", AuditEventType.REQUESTED.name(), "request", "op", "2026-01-01T00:00:00Z", null,
        "{}", "p", "h"));
    ApprovalLedger ledger = new ApprovalLedger(null, new ObjectMapper()) {
      @Override
      public RunLedger of(String processInstanceId) {
        assertThat(processInstanceId).isEqualTo("run-1");
        return new RunLedger(events, new ObjectMapper());
      }
    };
    RunbookRequests requests = new RunbookRequests(ledger, new ObjectMapper()) {
      @Override
      @SuppressWarnings("unchecked")
      public <R> R read(DelegateExecution execution, Runbook<R> runbook) {
        return (R) request;
      }
    };
    return new ApprovedPass(ledger, requests);
  }

  static DelegateExecution execution() {
    return (DelegateExecution) Proxy.newProxyInstance(ApprovedPassTest.class.getClassLoader(), new Class<?>[] {DelegateExecution.class},
        (proxy, method, args) -> method.getName().equals("getProcessInstanceId") ? "run-1" : null);
  }

  @Test
  void shouldRefuseAStepOfARequestThatNeedsAnApprovalWhenNoneStands() {
    assertThatThrownBy(() -> guard(new Request(true)).authorise(execution(), "restore")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("no approval stands");
  }

  @Test
  void shouldLetARequestThatNeedsNoApprovalPassItsStepsInOrderFromTheRequest() {
    StepGuard guard = guard(new Request(false));

    assertThat(guard.authorise(execution(), "restore").eventId()).isEqualTo(7);
    assertThatThrownBy(() -> guard.authorise(execution(), "apply")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("restore must finish first since the request 7");
  }

  @Test
  void shouldGuardARunbookWithoutThePredicateAsOneThatAlwaysNeedsAnApproval() {
    assertThatThrownBy(() -> pass(new Request(false)).of(RUNBOOK).authorise(execution(), "restore")).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("no approval stands");
  }
}
