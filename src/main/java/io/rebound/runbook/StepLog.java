package io.rebound.runbook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step did to a target, in order: each statement or command with its outcome, plus facts worth
 * keeping. Services fill it; the step delegate writes it to the audit trail whether the step succeeded
 * or failed, so a half-done step is visible.
 */
public final class StepLog {

  /** One statement or command and how it ended. */
  public record Entry(String action, String outcome) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Object> facts = new LinkedHashMap<>();
  private boolean startedJob;

  public void ran(String action, String outcome) {
    entries.add(new Entry(action, outcome));
  }

  /**
   * Records the start of a detached job (or its start again): like {@link #ran}, and the step then records its start in
   * the audit trail even when it is a poll that records nothing while the job runs, so that no start goes unrecorded.
   */
  public void startedJob(String action, String outcome) {
    ran(action, outcome);
    startedJob = true;
  }

  /** Whether a detached job was started through this log. */
  public boolean hasStartedJob() {
    return startedJob;
  }

  public void fact(String key, Object value) {
    facts.put(key, value);
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The facts in the order they were given; a fact may be null (not known), which is recorded as such. */
  public Map<String, Object> facts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(facts));
  }
}
