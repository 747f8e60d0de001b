package io.rebound.backup.runbooks;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.runbook.ApprovablePlan;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A plan that restores a database from the bucket's backups, with its restore part shown and hashed the same way by
 * every runbook that restores (the database restore, the database recovery): the backups and log batches, every piece
 * with its size and checksum, and where recovery stops. A plan implements it with record components of these names.
 */
public interface RestoreFromBackups extends ApprovablePlan {

  Instant recoverToTime();

  /** The position recovery stops at (an LSN, an SCN), or null when it replays every log it is given. */
  String recoverToPosition();

  long timeline();

  String databaseIdentity();

  /** {@code TYPE id (start to end, positions start to end)}, FULL first; see {@link #backups(RecoveryPlan)}. */
  List<String> backups();

  /**
   * {@code id (start to end, positions start to end)}, in replay order, with how many of its pieces are downloaded
   * when not all; see {@link #logBatches(RecoveryPlan)}.
   */
  List<String> logBatches();

  List<Piece> pieces();

  long totalBytes();

  /** The backups a plan restores, as an approver reads them. */
  static List<String> backups(RecoveryPlan plan) {
    return plan.backups().stream().map(RestoreFromBackups::describe).toList();
  }

  /**
   * The log batches a plan replays, as an approver reads them; a batch some of whose pieces are not downloaded says
   * how many are, and which are left out and why.
   */
  static List<String> logBatches(RecoveryPlan plan) {
    Set<String> fetched = plan.pieces().stream().map(Piece::key).collect(Collectors.toSet());
    String start = plan.backups().isEmpty() ? null : plan.backups().get(plan.backups().size() - 1).startPosition();
    return plan.logs().stream().map(batch -> describe(batch) + leftOut(batch, fetched, start)).toList();
  }

  /**
   * What of a batch is not downloaded and why: segments before the first one downloaded end before recovery starts,
   * segments after the last one downloaded come after the point, where recovery has stopped.
   */
  private static String leftOut(LogManifest batch, Set<String> fetched, String start) {
    List<Piece> left = batch.pieces().stream().filter(piece -> !fetched.contains(piece.key())).sorted(Comparator.comparing(Piece::name)).toList();
    if (left.isEmpty()) {
      return "";
    }
    List<String> kept = batch.pieces().stream().filter(piece -> fetched.contains(piece.key()) && isSegment(piece))
        .map(Piece::name).sorted().toList();
    String firstKept = kept.isEmpty() ? null : kept.get(0);
    List<Piece> before = left.stream().filter(piece -> firstKept == null || piece.name().compareTo(firstKept) < 0).toList();
    List<Piece> after = left.stream().filter(piece -> !before.contains(piece)).toList();
    long fetchedBytes = batch.size() - left.stream().mapToLong(Piece::size).sum();
    StringBuilder text = new StringBuilder(": " + (batch.pieces().size() - left.size()) + " of " + batch.pieces().size()
        + " pieces downloaded (" + fetchedBytes + " bytes)");
    if (!before.isEmpty()) {
      text.append("; ").append(before.size()).append(" left out (").append(range(before)).append("), WAL that ends before position ")
          .append(start).append(" where recovery starts");
    }
    if (!after.isEmpty()) {
      text.append("; ").append(after.size()).append(" left out (").append(range(after))
          .append("), WAL after the segment that ends the first transaction after the point, where recovery stops");
    }
    return text.toString();
  }

  private static boolean isSegment(Piece piece) {
    return piece.name().matches("[0-9A-F]{24}");
  }

  private static String range(List<Piece> pieces) {
    return pieces.get(0).name() + (pieces.size() > 1 ? " to " + pieces.get(pieces.size() - 1).name() : "");
  }

  private static String describe(BackupManifest backup) {
    return backup.type() + " " + backup.id() + " (" + backup.startTime() + " to " + backup.endTime() + ", positions "
        + backup.startPosition() + " to " + backup.endPosition() + ")";
  }

  private static String describe(LogManifest batch) {
    return batch.id() + " (" + batch.startTime() + " to " + batch.endTime() + ", positions " + batch.startPosition() + " to "
        + batch.endPosition() + ")";
  }

  /** Adds the hashed lines of the restore part, after the line that names the point: where recovery stops, what is restored. */
  default void addRestoreLines(List<String> lines) {
    lines.add("recover to time " + recoverToTime());
    lines.add("recover to position " + (recoverToPosition() == null ? "-" : recoverToPosition()));
    lines.add("timeline " + timeline() + " of database " + databaseIdentity());
    backups().forEach(backup -> lines.add("backup " + backup));
    logBatches().forEach(batch -> lines.add("logs " + batch));
    pieces().forEach(piece -> lines.add("piece " + piece.key() + " " + piece.size() + " sha256 " + piece.sha256()));
  }

  /** Appends the restore part of the approver's text: the backups, the log batches and every piece to download. */
  default void appendRestore(StringBuilder text) {
    text.append("\nBACKUPS\n");
    backups().forEach(backup -> text.append("  ").append(backup).append('\n'));
    text.append("\nLOG BATCHES (").append(logBatches().size()).append(")\n");
    logBatches().forEach(batch -> text.append("  ").append(batch).append('\n'));
    text.append("\nPIECES TO DOWNLOAD (").append(pieces().size()).append(", ").append(totalBytes()).append(" bytes)\n");
    pieces().forEach(piece -> text.append("  ").append(piece.key()).append("  ").append(piece.size()).append(" bytes  sha256 ")
        .append(piece.sha256()).append('\n'));
  }
}
