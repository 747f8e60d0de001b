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

  public void ran(String action, String outcome) {
    entries.add(new Entry(action, outcome));
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
