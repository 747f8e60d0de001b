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
 * @param sequences each sequence feeding the restored schema: moved, already past, or left alone and why
 */
public record VerifyReport(
    List<String> invalidObjects,
    List<String> stillInvalid,
    Map<String, Long> rowCounts,
    List<String> emptyKeyTables,
    List<SequenceResync> sequences) {

  public VerifyReport {
    invalidObjects = List.copyOf(invalidObjects);
    stillInvalid = List.copyOf(stillInvalid);
    rowCounts = Map.copyOf(rowCounts);
    emptyKeyTables = List.copyOf(emptyKeyTables);
    sequences = List.copyOf(sequences);
  }

  /** The longest summary: a process variable's text holds 4000 characters. */
  static final int SUMMARY_LIMIT = 4000;
  private static final String CUT = " ... (cut: every sequence is in the verify step's audit event)";

  public boolean passed() {
    return emptyKeyTables.isEmpty();
  }

  /**
   * The run's summary, at most {@link #SUMMARY_LIMIT} characters (a process variable holds no more): the
   * sequences left behind come before the list of every sequence, which is what a long summary loses; the
   * verify step's audit event keeps every sequence in full.
   */
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
    List<String> behind = sequencesBehind();
    if (!behind.isEmpty()) {
      text.append(". SEQUENCES LEFT BEHIND THEIR COLUMNS: ").append(String.join(", ", behind));
    }
    text.append(". Sequences: ");
    if (sequences.isEmpty()) {
      text.append("none found");
    } else {
      text.append(String.join("; ", sequences.stream().map(SequenceResync::describe).toList()));
    }
    if (text.length() > SUMMARY_LIMIT) {
      return text.substring(0, SUMMARY_LIMIT - CUT.length()) + CUT;
    }
    return text.toString();
  }

  /** Sequences left handing out values their columns already hold (never one this step moved). */
  public List<String> sequencesBehind() {
    return sequences.stream().filter(SequenceResync::behind).map(SequenceResync::sequence).toList();
  }
}
