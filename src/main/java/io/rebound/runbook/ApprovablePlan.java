package io.rebound.runbook;

import java.util.List;

/**
 * What a run will do, shown to the approver and approved by its hash. The hash covers every line of
 * {@link #canonicalLines()}: everything that will be destroyed or run, and every input that decides how
 * success is judged.
 */
public interface ApprovablePlan {

  /** The hashed part, one fact a line, in a fixed order. */
  List<String> canonicalLines();

  /** The plan as an approver reads it. */
  String text();

  /** SHA-256 of the canonical lines (hex). */
  default String hash() {
    StringBuilder text = new StringBuilder();
    canonicalLines().forEach(line -> text.append(line).append('\n'));
    return Hashes.sha256(text.toString());
  }

  /**
   * What changed from this plan (the approved one) to {@code current}: lines only this plan has, marked
   * {@code -}, then lines only {@code current} has, marked {@code +}.
   */
  default String changesTo(ApprovablePlan current) {
    return changes(canonicalLines(), current.canonicalLines());
  }

  /**
   * The lines only {@code before} has, each on a line of its own marked {@code -}, then those only {@code after} has,
   * marked {@code +}; empty when both hold the same lines.
   */
  static String changes(List<String> before, List<String> after) {
    StringBuilder text = new StringBuilder();
    before.stream().filter(l -> !after.contains(l)).forEach(l -> text.append("- ").append(l).append('\n'));
    after.stream().filter(l -> !before.contains(l)).forEach(l -> text.append("+ ").append(l).append('\n'));
    return text.toString();
  }
}
