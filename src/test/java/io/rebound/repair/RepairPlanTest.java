package io.rebound.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an approval binds in a repair plan: what decides the repair, and not how far the others got meanwhile. */
class RepairPlanTest {

  static RepairPlan plan(Map<String, Object> changed) {
    Map<String, Object> readings = new LinkedHashMap<>(NeedsRepairTableTest.healthy().asMap());
    readings.putAll(changed);
    return new RepairPlan("branch-17", List.of("QUE_IN_BEHIND_SERVER"), readings);
  }

  @Test
  void shouldKeepItsHashWhenOnlyTheStreamGotFurtherOrTheServerStreamedOurReplicasOrTheRepairMarkWasSet() {
    RepairPlan approved = plan(Map.of());

    RepairPlan later = plan(Map.of("serverStreamLast", 90L, "serverReceivedLast", 3L, "repairMarked", true));

    assertThat(later.hash()).isEqualTo(approved.hash());
    assertThat(approved.changesTo(later)).isEmpty();
    assertThat(later.text()).contains("serverStreamLast = 90", "serverReceivedLast = 3", "repairMarked = true");
  }

  @Test
  void shouldChangeItsHashWhenAnythingThatDecidesTheRepairChanged() {
    RepairPlan approved = plan(Map.of());
    for (String bound : List.of("serverReadUpTo", "serverSentUpTo", "queInLast", "queInApplied", "queOutLast", "queOutSent", "directoryInLast",
        "directoryOutLast", "auditAgePackaged", "queInMissing", "queOutFirstMissing")) {
      RepairPlan changed = plan(Map.of(bound, 999L));
      assertThat(changed.hash()).as(bound).isNotEqualTo(approved.hash());
      assertThat(approved.changesTo(changed)).as(bound).contains("- reading " + bound + " = ", "+ reading " + bound + " = 999");
    }
    assertThat(plan(Map.of("directoryPresent", false)).hash()).isNotEqualTo(approved.hash());
    assertThat(new RepairPlan("branch-17", List.of("QUE_IN_HAS_GAP"), approved.readings()).hash()).isNotEqualTo(approved.hash());
    assertThat(new RepairPlan("branch-18", approved.reasons(), approved.readings()).hash()).isNotEqualTo(approved.hash());
  }

  @Test
  void shouldShowTheApproverTheReasonsEveryReadingAndTheStepsInOrder() {
    RepairPlan plan = plan(Map.of());

    assertThat(plan.canonicalLines()).startsWith("workstation branch-17", "reason QUE_IN_BEHIND_SERVER")
        .contains("reading serverSentUpTo = 7", "step " + RepairPlan.STEPS.get(0))
        .noneMatch(line -> line.startsWith("reading repairMarked") || line.startsWith("reading serverStreamLast"));
    assertThat(plan.text()).startsWith("Repair of workstation branch-17\n\nWhy:\n  - QUE_IN_BEHIND_SERVER\n")
        .contains("  serverSentUpTo = 7\n", "  1. " + RepairPlan.STEPS.get(0), "  " + RepairPlan.STEPS.size() + ". remove the repair mark");
  }

  @Test
  void shouldBeMadeFromADiagnosisWithItsReasonCodes() {
    Diagnosis diagnosis = new Diagnosis("branch-17", true, List.of(new Diagnosis.Reason("QUE_IN_HAS_GAP", "why")), Map.of("queInLast", 4L));

    RepairPlan plan = RepairPlan.of(diagnosis);

    assertThat(plan.reasons()).containsExactly("QUE_IN_HAS_GAP");
    assertThat(plan.readings()).containsEntry("queInLast", 4L);
  }
}
