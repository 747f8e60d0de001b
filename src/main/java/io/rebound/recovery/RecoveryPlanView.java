package io.rebound.recovery;

import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.runbooks.RestoreFromBackups;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan of a media recovery as the approver reads it and approves it by its hash: the decision and why (the files
 * affected, the restore unit, whether logs are archived), the backups and log batches restored from, the exact
 * commands, and the data lost ({@code none} for complete recovery, {@code after <point>} otherwise). The hash covers
 * what the triage after the approval must find again; what only describes how the database was found (instance
 * recovery that already ran, what the server said, the checks' counts) is shown and not hashed.
 *
 * @param restorePoint the point the backups are restored to: {@code latest}, or an instant (the point asked for, or the
 *     end of the last backup when no logs are archived)
 * @param notes what the approver should know and that is not part of the decision (what the catalog says of the logs)
 */
record RecoveryPlanView(String target, String dialect, String pointInTime, Triage triage, StrategyDecision decision, String restorePoint,
    Instant recoverToTime, String recoverToPosition, long timeline, String databaseIdentity, List<String> backups, List<String> logBatches,
    List<Piece> pieces, long totalBytes, List<String> commands, String dataLoss, List<String> notes) implements RestoreFromBackups {

  RecoveryPlanView {
    backups = List.copyOf(backups);
    logBatches = List.copyOf(logBatches);
    pieces = List.copyOf(pieces);
    commands = List.copyOf(commands);
    notes = List.copyOf(notes);
  }

  static RecoveryPlanView of(DatabaseRecoveryRequest request, String dialect, Triage triage, StrategyDecision decision, RecoveryPlan plan,
      List<String> commands, String dataLoss, List<String> notes) {
    return new RecoveryPlanView(request.target(), dialect, request.pointInTime(), triage, decision, plan.point().toString(),
        plan.recoverToTime(), plan.recoverToPosition(), plan.timeline(), plan.databaseIdentity(),
        RestoreFromBackups.backups(plan), RestoreFromBackups.logBatches(plan),
        plan.pieces(), plan.totalBytes(), commands, dataLoss, notes);
  }

  /** The lines of the restore part alone: what the steps after the approval check the catalog still gives. */
  List<String> restoreLines() {
    List<String> lines = new ArrayList<>();
    lines.add("restore to " + restorePoint);
    addRestoreLines(lines);
    return lines;
  }

  @Override
  public List<String> canonicalLines() {
    List<String> lines = new ArrayList<>();
    lines.add("target " + target);
    lines.add("point asked " + pointInTime);
    lines.add("strategy " + decision.strategy());
    lines.add("mount needed " + decision.mountNeeded());
    lines.add("rename needed " + decision.renameNeeded());
    lines.add("complete " + decision.complete());
    lines.add("restore unit " + triage.restoreUnit());
    lines.add("logs archived " + triage.logs().archived());
    triage.files().forEach(file -> lines.add("file " + file.describe()));
    lines.addAll(restoreLines());
    commands.forEach(command -> lines.add("command " + command));
    lines.add("data loss " + dataLoss);
    return lines;
  }

  @Override
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append("RECOVER ").append(target).append(" (").append(dialect).append("): ").append(decision.strategy())
        .append(decision.complete() ? ", complete recovery" : ", incomplete recovery").append('\n');
    text.append("Database ").append(decision.mountNeeded() ? "mounted, not open," : "open (only the damaged files offline)")
        .append(" while it is recovered; ").append(decision.renameNeeded() ? "files restored to a new location and renamed"
            : "files restored where they were").append('\n');
    text.append("\nDATA LOSS\n").append(dataLoss).append('\n');
    notes.forEach(note -> text.append(note).append('\n'));
    text.append("\nFILES AFFECTED (").append(triage.files().size()).append(", restored as ")
        .append(triage.restoreUnit().name().toLowerCase(Locale.ROOT)).append(")\n");
    triage.files().forEach(file -> text.append("  ").append(file.describe()).append('\n'));
    text.append("\nTRIAGE\n");
    text.append("  ").append(triage.opened() ? "opened" : triage.reachable() ? "reachable, not open" : "not reachable").append('\n');
    if (triage.instanceRecovery() != null) {
      text.append("  instance recovery: ").append(triage.instanceRecovery()).append('\n');
    }
    text.append("  logs: ").append(triage.logs().archived() ? "archived" : "NOT archived").append(" (").append(triage.logs().detail())
        .append(")\n");
    triage.checks().forEach(check -> text.append("  ").append(check).append('\n'));
    triage.serverSaid().forEach(line -> text.append("  server: ").append(line).append('\n'));
    text.append("\nRESTORE TO ").append(restorePoint).append(" (recovery stops at ").append(recoverToTime)
        .append(recoverToPosition == null ? "" : ", position " + recoverToPosition).append(", timeline ").append(timeline)
        .append(" of database ").append(databaseIdentity).append(")\n");
    appendRestore(text);
    text.append("\nCOMMANDS ON ").append(target).append('\n');
    commands.forEach(command -> text.append("  ").append(command).append('\n'));
    text.append("\nPLAN HASH ").append(hash()).append('\n');
    return text.toString();
  }
}
