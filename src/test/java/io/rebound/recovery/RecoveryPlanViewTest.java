package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan a media recovery is approved on: its hash covers the decision, the files, the backups and commands and the
 * data loss, and not what only describes how the database was found; its text says all of it to the approver.
 */
class RecoveryPlanViewTest {

  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final LogArchiving ARCHIVED = new LogArchiving(true, "archive_mode on, WAL archive /archive");
  static final AffectedFile ORDERS = new AffectedFile("base/5/16384", "pg_default", FileKind.DATA, "table public.orders in database shop",
      true, "missing");
  static final StrategyDecision WHOLE = new StrategyDecision(Strategy.RESTORE_DATABASE, true, false, true, "none");

  static Triage triage(String instanceRecovery, List<String> checks, AffectedFile... files) {
    return new Triage(true, true, instanceRecovery, List.of(files), files.length == 0 ? RestoreUnit.NONE : RestoreUnit.WHOLE, ARCHIVED,
        List.of("ERROR:  could not open file \"base/5/16384\": No such file or directory"), checks);
  }

  static RecoveryPlan restore(RecoveryPoint point, Instant end) {
    BackupManifest full = new BackupManifest("full-1", "pg", Dialect.POSTGRESQL, BackupType.FULL, null, 1, "7300", T0, T0.plusSeconds(60),
        "0/2000028", "0/2000100", List.of(new Piece("base.tar", "pg/full-1/base.tar", 1000, "aa")));
    LogManifest logs = new LogManifest("logs-1", "pg", Dialect.POSTGRESQL, 1, "7300", T0, end, "0/2000000", "0/3000000",
        List.of(new Piece("000000010000000000000002", "pg/logs-1/000000010000000000000002", 16, "bb")));
    return new RecoveryPlan("pg", Dialect.POSTGRESQL, point, 1, "7300", List.of(full), List.of(logs), List.of(full.pieces().get(0),
        logs.pieces().get(0)), 1016, end, point.isLatest() ? "0/3000000" : null, "Changes made after " + end + " are lost.");
  }

  static RecoveryPlanView view(Triage triage, StrategyDecision decision, RecoveryPlan plan, String dataLoss) {
    return RecoveryPlanView.of(new DatabaseRecoveryRequest("pg", "latest"), "POSTGRESQL", triage, decision, plan,
        List.of("restore the whole cluster", "pg_ctl -D /data start"), dataLoss, List.of("The catalog says: " + plan.dataLoss()));
  }

  @Test
  void shouldHashWhatTheSecondTriageMustFindAgainAndNotHowTheDatabaseWasFound() {
    RecoveryPlanView first = view(triage("crash recovery replayed WAL", List.of("1 missing"), ORDERS), WHOLE,
        restore(RecoveryPoint.latest(), T0.plusSeconds(600)), "none");
    RecoveryPlanView second = view(triage(null, List.of("2 relation files checked"), ORDERS), WHOLE,
        restore(RecoveryPoint.latest(), T0.plusSeconds(600)), "none");

    assertThat(second.hash()).isEqualTo(first.hash());
    assertThat(first.canonicalLines()).contains("strategy RESTORE_DATABASE", "mount needed true", "rename needed false", "complete true",
        "restore unit WHOLE", "logs archived true", "file " + ORDERS.describe(), "restore to latest", "backup FULL full-1 (" + T0 + " to "
            + T0.plusSeconds(60) + ", positions 0/2000028 to 0/2000100)", "piece pg/full-1/base.tar 1000 sha256 aa",
        "command pg_ctl -D /data start", "data loss none", "recover to position 0/3000000",
        "logs logs-1 (" + T0 + " to " + T0.plusSeconds(600) + ", positions 0/2000000 to 0/3000000)");
    assertThat(view(triage(null, List.of(), ORDERS), WHOLE, restore(RecoveryPoint.at(T0.plusSeconds(300)), T0.plusSeconds(600)), "none")
        .restoreLines()).contains("restore to " + T0.plusSeconds(300), "recover to position -");
  }

  @Test
  void shouldMakeAnotherFileAnotherDecisionOrOtherBackupsAnotherPlan() {
    RecoveryPlan plan = restore(RecoveryPoint.latest(), T0.plusSeconds(600));
    RecoveryPlanView approved = view(triage(null, List.of(), ORDERS), WHOLE, plan, "none");
    AffectedFile other = new AffectedFile("base/5/16390", "pg_default", FileKind.INDEX, "index public.orders_pkey", true, "missing");

    assertThat(view(triage(null, List.of(), ORDERS, other), WHOLE, plan, "none").hash()).isNotEqualTo(approved.hash());
    assertThat(view(triage(null, List.of(), ORDERS), new StrategyDecision(Strategy.RESTORE_DATABASE, true, true, true, "none"), plan, "none")
        .hash()).isNotEqualTo(approved.hash());
    RecoveryPlanView later = view(triage(null, List.of(), ORDERS), WHOLE, restore(RecoveryPoint.latest(), T0.plusSeconds(900)), "none");
    assertThat(later.hash()).isNotEqualTo(approved.hash());
    assertThat(later.restoreLines()).isNotEqualTo(approved.restoreLines());
    assertThat(approved.changesTo(later)).contains("- recover to time " + T0.plusSeconds(600), "+ recover to time " + T0.plusSeconds(900));
    assertThat(view(triage(null, List.of(), ORDERS), WHOLE, plan, "after " + T0).hash()).isNotEqualTo(approved.hash());
  }

  @Test
  void shouldTellTheApproverTheDecisionTheFilesTheCommandsAndTheDataLoss() {
    RecoveryPlanView plan = view(triage("crash recovery replayed WAL", List.of("amcheck bt_index_check on 3 btree indexes"), ORDERS),
        WHOLE, restore(RecoveryPoint.latest(), T0.plusSeconds(600)), "none");

    assertThat(plan.text()).startsWith("RECOVER pg (POSTGRESQL): RESTORE_DATABASE, complete recovery\n"
        + "Database mounted, not open, while it is recovered; files restored where they were\n\nDATA LOSS\nnone\n")
        .contains("FILES AFFECTED (1, restored as whole)\n  " + ORDERS.describe(), "  opened\n", "instance recovery: crash recovery",
            "logs: archived (archive_mode on", "amcheck bt_index_check on 3", "server: ERROR:  could not open file",
            "RESTORE TO latest (recovery stops at " + T0.plusSeconds(600) + ", position 0/3000000, timeline 1 of database 7300)",
            "LOG BATCHES (1)\n  logs-1", "PIECES TO DOWNLOAD (2, 1016 bytes)\n  pg/full-1/base.tar  1000 bytes  sha256 aa\n",
            "BACKUPS\n  FULL full-1 (" + T0 + " to ", "COMMANDS ON pg\n  restore the whole cluster\n  pg_ctl",
            "The catalog says: Changes made after")
        .endsWith("PLAN HASH " + plan.hash() + "\n");
    RecoveryPlanView incomplete = view(new Triage(false, false, null, List.of(ORDERS), RestoreUnit.WHOLE, new LogArchiving(false, "none"),
        List.of(), List.of()), new StrategyDecision(Strategy.RESTORE_LAST_BACKUP, false, true, false, "after the last backup"),
        restore(RecoveryPoint.at(T0.plusSeconds(60)), T0.plusSeconds(60)), "after " + T0.plusSeconds(60));
    assertThat(incomplete.text()).contains("RESTORE_LAST_BACKUP, incomplete recovery", "open (only the damaged files offline)",
        "files restored to a new location and renamed", "  not reachable\n", "logs: NOT archived (none)").doesNotContain("position ");
  }

  @Test
  void shouldDescribeAFileAndItsTriageInOneWay() {
    assertThat(ORDERS.describe()).isEqualTo("base/5/16384 (data, tablespace pg_default, table public.orders in database shop): missing");
    assertThat(new AffectedFile("pg_wal", null, FileKind.LOG, null, false, "no valid checkpoint record").describe())
        .isEqualTo("pg_wal (log): no valid checkpoint record; its location is not usable");
    assertThatThrownBy(() -> new AffectedFile(" ", null, FileKind.DATA, null, true, "missing")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AffectedFile("x", null, null, null, true, "missing")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AffectedFile("x", null, FileKind.DATA, null, true, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AffectedFile(null, null, FileKind.DATA, null, true, "missing")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldSummariseATriageForTheTable() {
    AffectedFile system = new AffectedFile("global/1262", "pg_global", FileKind.SYSTEM, null, false, "missing");
    Triage damaged = triage(null, List.of(), ORDERS, system);
    assertThat(damaged.essentialInvolved()).isTrue();
    assertThat(damaged.locationUsable()).isFalse();
    assertThat(damaged.unexplained()).isFalse();
    Triage clean = triage(null, List.of());
    assertThat(clean.essentialInvolved()).isFalse();
    assertThat(clean.locationUsable()).isTrue();
    assertThat(new Triage(false, false, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of()).unexplained()).isTrue();
    assertThat(new Triage(true, false, null, List.of(ORDERS), RestoreUnit.WHOLE, ARCHIVED, List.of(), List.of()).unexplained()).isFalse();
    assertThat(new Triage(true, true, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of()).unexplained()).isFalse();
    assertThatThrownBy(() -> new Triage(true, true, null, List.of(ORDERS), RestoreUnit.NONE, ARCHIVED, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Triage(true, true, null, List.of(), RestoreUnit.FILE, ARCHIVED, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Triage(true, true, null, List.of(), null, ARCHIVED, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FileKind.UNDO.essential()).isTrue();
    assertThat(FileKind.CONTROL.essential()).isTrue();
    assertThat(FileKind.INDEX.essential()).isFalse();
  }
}
