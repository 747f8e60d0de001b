package io.rebound.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one run's audit trail says about who asked, which plan was shown, which approval stands and what
 * ran under it. The audit trail is the ledger, not process variables: a variable changed behind the
 * engine's back cannot make a step run under an approval nobody gave.
 */
public final class RunLedger {

  /** An approval as the audit trail recorded it. */
  public record GivenApproval(long eventId, String approver, String at, String planHash) {}

  private final List<AuditEvent> events;
  private final ObjectMapper json;

  public RunLedger(List<AuditEvent> events, ObjectMapper json) {
    this.events = List.copyOf(events);
    this.json = json;
  }

  /** Who asked for the run: the actor of its REQUESTED event. */
  public Optional<String> requester() {
    return first(AuditEventType.REQUESTED).map(AuditEvent::actor);
  }

  /** The hash of the request as it was validated at the start. */
  public Optional<String> requestHash() {
    return first(AuditEventType.REQUESTED).flatMap(e -> detail(e, "requestHash"));
  }

  /** The hash of the plan last shown for approval. */
  public Optional<String> presentedPlanHash() {
    return presentedBefore(Long.MAX_VALUE);
  }

  public boolean ended() {
    return events.stream().anyMatch(e -> is(e, AuditEventType.ENDED));
  }

  /**
   * The approval that stands: the newest APPROVED event, given for the plan shown just before it, with no
   * new plan, rejection, expiry or end after it.
   */
  public Optional<GivenApproval> standingApproval() {
    AuditEvent approved = null;
    for (AuditEvent event : events) {
      if (is(event, AuditEventType.APPROVED)) {
        approved = event;
      } else if (approved != null && supersedes(event)) {
        approved = null;
      }
    }
    if (approved == null) {
      return Optional.empty();
    }
    Optional<String> planHash = detail(approved, "planHash");
    if (planHash.isEmpty() || !planHash.equals(presentedBefore(approved.id()))) {
      return Optional.empty();
    }
    return Optional.of(new GivenApproval(approved.id(), approved.actor(), approved.at(), planHash.get()));
  }

  /**
   * Whether {@code step} may run now as part of the pass {@code pass} authorises; returns the approval it
   * runs under, or throws {@link StepRefusedException} saying why not. One approval authorises one pass:
   * each step once, in order, every step before it finished under the same approval.
   */
  public GivenApproval authorise(List<String> pass, String step) {
    if (ended()) {
      throw new StepRefusedException(step + " refused: the run has ended, nothing of it runs again");
    }
    GivenApproval approval = standingApproval().orElseThrow(() -> new StepRefusedException(
        step + " refused: no approval stands for this run's current plan"));
    if (!pass.contains(step)) {
      throw new StepRefusedException(step + " refused: it is not part of this run's approved pass " + pass);
    }
    inOrder(pass, step, approval.eventId(), "under the approval " + approval.eventId(),
        " given by " + approval.approver() + "; one approval authorises one pass");
    return approval;
  }

  /**
   * Whether {@code step} may run now in a run whose request says it needs no approval: the same pass, each
   * step once and in order, counted from the run's REQUESTED event instead of an approval. Returns that event
   * as what the step runs under (its approver is nobody), or throws {@link StepRefusedException}.
   */
  public GivenApproval authoriseUnattended(List<String> pass, String step) {
    if (ended()) {
      throw new StepRefusedException(step + " refused: the run has ended, nothing of it runs again");
    }
    AuditEvent requested = first(AuditEventType.REQUESTED).orElseThrow(() -> new StepRefusedException(
        step + " refused: the audit trail holds no request for this run"));
    if (!pass.contains(step)) {
      throw new StepRefusedException(step + " refused: it is not part of this run's pass " + pass);
    }
    inOrder(pass, step, requested.id(), "since the request " + requested.id(), "; an unattended run passes each step once");
    return new GivenApproval(requested.id(), "nobody (runs without approval)", requested.at(), "");
  }

  private void inOrder(List<String> pass, String step, long since, String under, String once) {
    Set<String> finished = finishedAfter(since);
    if (finished.contains(step)) {
      throw new StepRefusedException(step + " refused: it already ran " + under + once);
    }
    List<String> missing = new ArrayList<>();
    for (String before : pass.subList(0, pass.indexOf(step))) {
      if (!finished.contains(before)) {
        missing.add(before);
      }
    }
    if (!missing.isEmpty()) {
      throw new StepRefusedException(step + " refused: " + String.join(", ", missing) + " must finish first " + under);
    }
  }

  /** Steps finished after the event {@code id}. */
  Set<String> finishedAfter(long id) {
    Set<String> finished = new LinkedHashSet<>();
    for (AuditEvent event : events) {
      if (event.id() > id && is(event, AuditEventType.STEP_FINISHED)) {
        finished.add(event.step());
      }
    }
    return finished;
  }

  private Optional<String> presentedBefore(long id) {
    Optional<String> hash = Optional.empty();
    for (AuditEvent event : events) {
      if (event.id() < id && (is(event, AuditEventType.PLAN_COMPUTED) || is(event, AuditEventType.PLAN_CHANGED))) {
        hash = detail(event, "planHash");
      }
    }
    return hash;
  }

  private static boolean supersedes(AuditEvent event) {
    return is(event, AuditEventType.PLAN_COMPUTED) || is(event, AuditEventType.PLAN_CHANGED) || is(event, AuditEventType.REJECTED)
        || is(event, AuditEventType.APPROVAL_EXPIRED) || is(event, AuditEventType.ENDED);
  }

  private Optional<AuditEvent> first(AuditEventType type) {
    return events.stream().filter(e -> is(e, type)).findFirst();
  }

  private static boolean is(AuditEvent event, AuditEventType type) {
    return type.name().equals(event.type());
  }

  private Optional<String> detail(AuditEvent event, String key) {
    try {
      JsonNode node = event.details() == null ? null : json.readTree(event.details()).get(key);
      return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
