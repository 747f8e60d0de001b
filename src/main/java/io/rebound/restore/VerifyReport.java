package io.rebound.restore;

import java.util.List;
import java.util.Map;

/**
 * What the verify step found.
 *
 * @param invalidObjects objects invalid after the import (PostgreSQL: invalid indexes, NOT VALID constraints)
 * @param stillInvalid those still invalid after recompiling
 * @param rowCounts rows in each key table
 * @param emptyKeyTables key tables without rows, or missing
 * @param sequences each resynchronised sequence with the value it will hand out next
 */
public record VerifyReport(
    List<String> invalidObjects,
    List<String> stillInvalid,
    Map<String, Long> rowCounts,
    List<String> emptyKeyTables,
    Map<String, Long> sequences) {

  public VerifyReport {
    invalidObjects = List.copyOf(invalidObjects);
    stillInvalid = List.copyOf(stillInvalid);
    rowCounts = Map.copyOf(rowCounts);
    emptyKeyTables = List.copyOf(emptyKeyTables);
    sequences = Map.copyOf(sequences);
  }

  public boolean passed() {
    return emptyKeyTables.isEmpty();
  }

  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append("Key tables: ");
    text.append(rowCounts.isEmpty() ? "none named" : new java.util.TreeMap<>(rowCounts).toString());
    if (!emptyKeyTables.isEmpty()) {
      text.append("; EMPTY OR MISSING: ").append(String.join(", ", emptyKeyTables));
    }
    text.append(". Invalid objects after import: ").append(invalidObjects.size());
    if (!stillInvalid.isEmpty()) {
      text.append(", still invalid: ").append(String.join(", ", stillInvalid));
    }
    text.append(". Sequences resynchronised: ").append(sequences.isEmpty() ? "none" : new java.util.TreeMap<>(sequences).toString());
    return text.toString();
  }
}
