package io.rebound.repair;

import io.rebound.runbook.ApprovablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a repair will do to a workstation, shown to the approver: the reasons the diagnosis found, every
 * number it read, and the steps in their order.
 */
public record RepairPlan(String workstation, List<String> reasons, Map<String, Object> readings) implements ApprovablePlan {

  /**
   * Readings shown to the approver that do not decide what the repair does, and so are not part of the approved
   * plan's hash: a recheck after the approval lets them differ. The repair mark is set before the approval. How
   * far the common stream got, and which of our replicas the server has not yet streamed, move on while the
   * approval waits (the other workstations and the server keep working): the repair takes QueIn up to what the
   * server says we read and our own replicas up to what it says it received, both bound by the hash, and
   * whatever the stream holds past them is the same consistent stream the normal cycle would apply next; nothing
   * of ours is decided by them. Every other reading is bound: the workstation is held still by the repair mark,
   * so a change in its queues, marks or files means someone else changed it, and a change in what the server
   * says we read or it received moves what is fetched, what is applied from QueOut as never sent and where the
   * sent mark goes.
   */
  static final Set<String> NOT_APPROVED = Set.of("repairMarked", "serverStreamLast", "serverReceivedLast");

  static final List<String> STEPS = List.of(
      "read the workstation and the server again: refuse if anything the plan binds changed since it was approved",
      "restore QueIn and QueOut from the working directory up to its newest replica",
      "take from the server what the queues lack up to what it says we read and sent; ask for retransmission of the rest and wait",
      "wait until QueIn holds our own replicas up to what the server says we sent",
      "apply QueIn from the applied mark to its end (our own replicas come back only this way)",
      "apply the QueOut replicas the server never received",
      "move every generator past the highest key it made",
      "repair the sent mark and the audit marks",
      "remove the repair mark");

  public RepairPlan {
    reasons = List.copyOf(reasons);
    readings = new TreeMap<>(readings);
  }

  static RepairPlan of(Diagnosis diagnosis) {
    return new RepairPlan(diagnosis.workstation(), diagnosis.reasons().stream().map(Diagnosis.Reason::code).toList(), diagnosis.readings());
  }

  @Override
  public List<String> canonicalLines() {
    List<String> lines = new ArrayList<>();
    lines.add("workstation " + workstation);
    reasons.forEach(reason -> lines.add("reason " + reason));
    readings.forEach((name, value) -> {
      if (!NOT_APPROVED.contains(name)) {
        lines.add("reading " + name + " = " + value);
      }
    });
    STEPS.forEach(step -> lines.add("step " + step));
    return lines;
  }

  @Override
  public String text() {
    StringBuilder text = new StringBuilder("Repair of workstation " + workstation + "\n\nWhy:\n");
    reasons.forEach(reason -> text.append("  - ").append(reason).append('\n'));
    text.append("\nWhat was read:\n");
    readings.forEach((name, value) -> text.append("  ").append(name).append(" = ").append(value).append('\n'));
    text.append("\nSteps:\n");
    for (int i = 0; i < STEPS.size(); i++) {
      text.append("  ").append(i + 1).append(". ").append(STEPS.get(i)).append('\n');
    }
    return text.toString();
  }
}
