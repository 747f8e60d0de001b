package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code processes/media-recovery-strategy.dmn} rule by rule: each rule on the inputs it is written for, the order that
 * makes the first matching rule the right one, and the outputs (mount, rename, complete, data loss) of each.
 */
class RecoveryStrategyTableTest {

  private final RecoveryStrategyTable table = new RecoveryStrategyTable();

  /** One datafile, not SYSTEM/UNDO, at a usable location, logs archived, no point asked: the plainest damage. */
  private static Map<String, Object> oneDatafile() {
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("filesAffected", 1);
    inputs.put("restoreUnit", "FILE");
    inputs.put("essentialInvolved", false);
    inputs.put("locationUsable", true);
    inputs.put("logsArchived", true);
    inputs.put("pointRequested", false);
    return inputs;
  }

  private static Map<String, Object> with(Object... pairs) {
    Map<String, Object> inputs = oneDatafile();
    for (int i = 0; i < pairs.length; i += 2) {
      inputs.put((String) pairs[i], pairs[i + 1]);
    }
    return inputs;
  }

  @Test
  void shouldEndWithInstanceRecoveryOnlyWhenNoFileIsAffected() {
    StrategyDecision decision = table.decide(with("filesAffected", 0, "restoreUnit", "NONE", "logsArchived", false, "pointRequested", true));

    assertThat(decision).isEqualTo(new StrategyDecision(Strategy.INSTANCE_RECOVERY_ONLY, false, false, true, "none"));
    assertThat(decision.mediaRecoveryNeeded()).isFalse();
  }

  @Test
  void shouldRestoreTheLastBackupAndLoseWhatCameAfterWithoutArchivedLogs() {
    assertThat(table.decide(with("logsArchived", false)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_LAST_BACKUP, true, false, false, "after the last backup"));
    assertThat(table.decide(with("logsArchived", false, "locationUsable", false, "essentialInvolved", true, "pointRequested", true)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_LAST_BACKUP, true, true, false, "after the last backup"));
  }

  @Test
  void shouldRecoverTheWholeDatabaseToThePointAskedForAsIncompleteRecovery() {
    assertThat(table.decide(with("pointRequested", true)))
        .isEqualTo(new StrategyDecision(Strategy.POINT_IN_TIME, true, false, false, "after the point"));
    assertThat(table.decide(with("pointRequested", true, "restoreUnit", "WHOLE", "locationUsable", false)))
        .isEqualTo(new StrategyDecision(Strategy.POINT_IN_TIME, true, true, false, "after the point"));
  }

  @Test
  void shouldRestoreTheWholeDatabaseCompletelyWhenTheDamageTakesItAll() {
    assertThat(table.decide(with("restoreUnit", "WHOLE", "filesAffected", 3)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_DATABASE, true, false, true, "none"));
    assertThat(table.decide(with("restoreUnit", "WHOLE", "essentialInvolved", true, "locationUsable", false)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_DATABASE, true, true, true, "none"));
  }

  @Test
  void shouldMountTheDatabaseWhenSystemOrUndoIsInvolved() {
    assertThat(table.decide(with("essentialInvolved", true)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_MOUNTED, true, false, true, "none"));
    assertThat(table.decide(with("essentialInvolved", true, "restoreUnit", "TABLESPACE", "locationUsable", false)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_MOUNTED, true, true, true, "none"));
  }

  @Test
  void shouldTakeATablespaceOfflineWithoutMountingTheDatabase() {
    assertThat(table.decide(with("restoreUnit", "TABLESPACE", "filesAffected", 2)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_TABLESPACE, false, false, true, "none"));
    assertThat(table.decide(with("restoreUnit", "TABLESPACE", "locationUsable", false)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_TABLESPACE, false, true, true, "none"));
  }

  @Test
  void shouldRestoreOneDatafileAtItsPlaceWithTheDatabaseOpen() {
    assertThat(table.decide(oneDatafile())).isEqualTo(new StrategyDecision(Strategy.RESTORE_DATAFILE, false, false, true, "none"));
  }

  @Test
  void shouldRelocateAndRenameADatafileWhoseLocationIsLost() {
    assertThat(table.decide(with("locationUsable", false)))
        .isEqualTo(new StrategyDecision(Strategy.RESTORE_DATAFILE_RELOCATED, false, true, true, "none"));
  }

  @Test
  void shouldDecideFromATriageAsTheInputsOfTheTable() {
    Triage triage = new Triage(true, true, null, List.of(new AffectedFile("/u02/users01.dbf", "USERS", FileKind.DATA, "datafile 4", true,
        "missing")), RestoreUnit.FILE, new LogArchiving(true, "ARCHIVELOG"), List.of(), List.of());

    assertThat(RecoveryStrategyTable.inputs(triage, false)).containsEntry("filesAffected", 1).containsEntry("restoreUnit", "FILE")
        .containsEntry("essentialInvolved", false).containsEntry("locationUsable", true).containsEntry("logsArchived", true)
        .containsEntry("pointRequested", false);
    assertThat(table.decide(triage, true).strategy()).isEqualTo(Strategy.POINT_IN_TIME);
    assertThat(table.decide(triage, false).strategy()).isEqualTo(Strategy.RESTORE_DATAFILE);
  }

  @Test
  void shouldRefuseInputsNoRuleCovers() {
    assertThatThrownBy(() -> table.decide(with("restoreUnit", "NONE"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no rule for");
  }
}
