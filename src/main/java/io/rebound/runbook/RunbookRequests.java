package io.rebound.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * A run's validated request, stored once at the start as the {@code request} variable (JSON) and read back
 * by every step as its type. Its hash is in the run's REQUESTED audit event: a request changed after the
 * start is refused, not run.
 */
@Component
public class RunbookRequests {

  /** The variable that holds the request. */
  public static final String REQUEST = "request";

  private final ApprovalLedger ledger;
  private final ObjectMapper json;

  public RunbookRequests(ApprovalLedger ledger, ObjectMapper json) {
    this.ledger = ledger;
    this.json = json;
  }

  /** Stores the request in the run; returns its hash, for the REQUESTED event. */
  String store(DelegateExecution execution, Object request) {
    byte[] bytes = bytes(request);
    execution.setVariable(REQUEST, Variables.byteArrayValue(bytes));
    return Hashes.sha256(bytes);
  }

  /** The request as JSON, for the audit trail. */
  byte[] bytes(Object request) {
    try {
      return json.writeValueAsBytes(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run's request, checked against the hash recorded when it was validated. */
  public <R> R read(DelegateExecution execution, Runbook<R> runbook) {
    Object value = execution.getVariable(REQUEST);
    if (!(value instanceof byte[] bytes)) {
      throw new IllegalStateException("the run holds no request");
    }
    String recorded = ledger.of(execution.getProcessInstanceId()).requestHash()
        .orElseThrow(() -> new IllegalStateException("the audit trail holds no request for this run"));
    if (!recorded.equals(Hashes.sha256(bytes))) {
      throw new IllegalStateException("the run's request is not the one validated at its start; refusing to go on");
    }
    try {
      return json.readValue(bytes, runbook.inputs().type());
    } catch (IOException e) {
      throw new IllegalStateException("the run's request cannot be read: " + e.getMessage(), e);
    }
  }
}
