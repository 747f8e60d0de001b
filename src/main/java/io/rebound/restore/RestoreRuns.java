package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.springframework.stereotype.Component;

/**
 * Reads a run's request and its approved plan back from the engine and the audit trail. The approved
 * plan hash is taken from the audit trail, not from a process variable, so a variable changed behind the
 * engine's back cannot make a step run a plan nobody approved.
 */
@Component
public class RestoreRuns {

  private final SchemaRestoreInputs inputs;
  private final SchemaRestoreService service;
  private final AuditTrail audit;
  private final ObjectMapper json;

  public RestoreRuns(SchemaRestoreInputs inputs, SchemaRestoreService service, AuditTrail audit, ObjectMapper json) {
    this.inputs = inputs;
    this.service = service;
    this.audit = audit;
    this.json = json;
  }

  public SchemaRestoreRequest request(VariableScope scope) {
    Map<String, Object> values = new HashMap<>();
    for (String name : SchemaRestoreInputs.ACCEPTED) {
      Object value = scope.getVariable(name);
      if (value != null) {
        values.put(name, value);
      }
    }
    return inputs.parse(values);
  }

  /** The hash of the plan the latest approval was given for. */
  public Optional<String> approvedPlanHash(String processInstanceId) {
    return audit.latest(processInstanceId, AuditEventType.APPROVED).flatMap(e -> detail(e, "planHash"));
  }

  /** The hash of the plan last shown for approval. */
  public Optional<String> presentedPlanHash(String processInstanceId) {
    Optional<AuditEvent> computed = audit.latest(processInstanceId, AuditEventType.PLAN_COMPUTED);
    Optional<AuditEvent> changed = audit.latest(processInstanceId, AuditEventType.PLAN_CHANGED);
    Optional<AuditEvent> latest = changed.isPresent() && (computed.isEmpty() || changed.get().id() > computed.get().id()) ? changed : computed;
    return latest.flatMap(e -> detail(e, "planHash"));
  }

  /** The plan stored in the run, checked against the approved hash. */
  public RestorePlan approvedPlan(VariableScope scope, String processInstanceId) {
    String approved = approvedPlanHash(processInstanceId)
        .orElseThrow(() -> new IllegalStateException("no approval is recorded for this run; refusing to run a destructive step"));
    return service.fromJson((byte[]) scope.getVariable(PLAN), approved);
  }

  private Optional<String> detail(AuditEvent event, String key) {
    try {
      JsonNode node = json.readTree(event.details()).get(key);
      return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
