package io.rebound.backup.runbooks;

import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan of a database restore as the approver reads it and approves it by its hash: which backups and log
 * batches, every piece with its size and checksum, the point recovery stops at, the commands run on the destination,
 * and what is lost. The hash covers all of it, so a new backup or log batch that changes what a point needs, or
 * another destination, is a new plan to approve.
 *
 * @param point the point asked for ({@code latest} or an instant)
 * @param backups {@code TYPE id (end time, positions)}, FULL first
 * @param logBatches {@code id (positions)}, in replay order
 * @param commands what the restore runs on the destination, in order
 */
record RestorePlanView(String target, String destination, String dialect, String point, Instant recoverToTime, String recoverToPosition,
    long timeline, String databaseIdentity, List<String> backups, List<String> logBatches, List<Piece> pieces, long totalBytes,
    List<String> commands, String dataLoss) implements RestoreFromBackups {

  RestorePlanView {
    backups = List.copyOf(backups);
    logBatches = List.copyOf(logBatches);
    pieces = List.copyOf(pieces);
    commands = List.copyOf(commands);
  }

  static RestorePlanView of(RecoveryPlan plan, String destination) {
    return of(plan, destination, List.of());
  }

  static RestorePlanView of(RecoveryPlan plan, String destination, List<String> commands) {
    return new RestorePlanView(plan.target(), destination, plan.dialect().name(), plan.point().toString(), plan.recoverToTime(),
        plan.recoverToPosition(), plan.timeline(), plan.databaseIdentity(), RestoreFromBackups.backups(plan),
        RestoreFromBackups.logBatches(plan), plan.pieces(), plan.totalBytes(), commands, plan.dataLoss());
  }

  @Override
  public List<String> canonicalLines() {
    List<String> lines = new ArrayList<>();
    lines.add("target " + target);
    lines.add("destination " + destination);
    lines.add("point " + point);
    addRestoreLines(lines);
    commands.forEach(command -> lines.add("command " + command));
    lines.add("data loss " + dataLoss);
    return lines;
  }

  @Override
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append("RESTORE ").append(destination).append(" (").append(dialect).append(") from the backups of ").append(target)
        .append(" to ").append(point).append('\n');
    text.append("Recovery stops at ").append(recoverToTime);
    if (recoverToPosition != null) {
      text.append(" (position ").append(recoverToPosition).append(')');
    }
    text.append(", timeline ").append(timeline).append(" of database ").append(databaseIdentity).append('\n');
    text.append("\nDATA LOSS\n").append(dataLoss).append('\n');
    appendRestore(text);
    if (!commands.isEmpty()) {
      text.append("\nCOMMANDS ON ").append(destination).append('\n');
      commands.forEach(command -> text.append("  ").append(command).append('\n'));
    }
    text.append("\nPLAN HASH ").append(hash()).append('\n');
    return text.toString();
  }
}
