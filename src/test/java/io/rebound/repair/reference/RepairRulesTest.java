package io.rebound.repair.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.repair.Gap;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Marks and generators move forward only, to where the repair needs them; gaps are exactly what is missing. */
class RepairRulesTest {

  @Test
  void shouldTellAGeneratorsOwnKeysByTheirResidue() {
    assertThat(RepairRules.madeBy(1, 1, 10)).isTrue();
    assertThat(RepairRules.madeBy(31, 1, 10)).isTrue();
    assertThat(RepairRules.madeBy(32, 1, 10)).isFalse();
    assertThat(RepairRules.madeBy(0, 10, 10)).as("below the start").isFalse();
    assertThat(RepairRules.madeBy(7, 7, 1)).isTrue();
  }

  @Test
  void shouldMoveAGeneratorPastTheHighestOwnKeyAndNeverBack() {
    assertThat(RepairRules.generatorValue(11, true, 10, 41)).hasValue(41);
    assertThat(RepairRules.generatorValue(41, true, 10, 41)).isEmpty();
    assertThat(RepairRules.generatorValue(51, true, 10, 41)).as("already past: never backwards").isEmpty();
    // Not yet called: its next value is last_value itself, so 41 not called means 31 handed out.
    assertThat(RepairRules.generatorValue(41, false, 10, 41)).hasValue(41);
    assertThat(RepairRules.generatorValue(51, false, 10, 41)).isEmpty();
    assertThat(RepairRules.generatorValue(42, false, 1, 41)).isEmpty();
  }

  @Test
  void shouldSetTheSentMarkToWhatTheServerReceivedSoThatTheUnsentTailIsStillSent() {
    assertThat(RepairRules.sentMark(7, 9)).as("restored mark behind the server; 8 and 9 are sent by the normal cycle").isEqualTo(7);
    assertThat(RepairRules.sentMark(7, 7)).isEqualTo(7);
    assertThat(RepairRules.sentMark(0, 4)).as("the server received nothing: everything goes out").isZero();
  }

  @Test
  void shouldRefuseToSetTheSentMarkWhileQueOutLacksWhatTheServerReceived() {
    assertThatThrownBy(() -> RepairRules.sentMark(8, 7)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("QueOut ends at 7 but the server received our replicas up to 8");
  }

  @Test
  void shouldMoveTheAuditMarksToTheStateAfterTheRepair() {
    assertThat(RepairRules.auditPackaged(90, 120)).isEqualTo(120);
    assertThat(RepairRules.auditPackaged(130, 120)).isEqualTo(130);
    assertThat(RepairRules.auditAge(90, 120, 0)).isEqualTo(120);
    assertThat(RepairRules.auditAge(90, 120, 125)).isEqualTo(125);
    assertThat(RepairRules.auditAge(140, 120, 125)).isEqualTo(140);
  }

  @Test
  void shouldApplyAsUnsentOnlyWhatNeitherTheServerNorAnEarlierAttemptHas() {
    assertThat(RepairRules.firstUnsent(7, 0)).isEqualTo(8);
    assertThat(RepairRules.firstUnsent(7, 9)).isEqualTo(10);
    assertThat(RepairRules.firstUnsent(0, 0)).isEqualTo(1);
  }

  @Test
  void shouldListTheMissingNumbersAsRanges() {
    TreeSet<Long> present = new TreeSet<>(List.of(1L, 2L, 5L, 6L, 9L));
    assertThat(RepairRules.gaps(Gap.QUE_IN, 1, 12, present)).containsExactly(new Gap(Gap.QUE_IN, 3, 4), new Gap(Gap.QUE_IN, 7, 8),
        new Gap(Gap.QUE_IN, 10, 12));
    assertThat(RepairRules.gaps(Gap.QUE_OUT, 3, 4, present)).containsExactly(new Gap(Gap.QUE_OUT, 3, 4));
    assertThat(RepairRules.gaps(Gap.QUE_IN, 1, 2, present)).isEmpty();
    assertThat(RepairRules.gaps(Gap.QUE_IN, 5, 4, present)).isEmpty();
    assertThat(RepairRules.gaps(Gap.QUE_IN, 9, 10, present)).containsExactly(new Gap(Gap.QUE_IN, 10, 10));
    assertThat(RepairRules.gaps(Gap.QUE_IN, 8, 8, present)).containsExactly(new Gap(Gap.QUE_IN, 8, 8));
  }
}
