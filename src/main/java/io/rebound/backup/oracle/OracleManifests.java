package io.rebound.backup.oracle;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.oracle.RmanScripts.SequenceRange;
import io.rebound.target.Dialect;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the dictionary says about a backup or a batch of archived logs, turned into the manifests the catalog and
 * the point-in-time planner read: positions are SCNs, the timeline is the database's incarnation (a new one after
 * each OPEN RESETLOGS), the identity is the DBID.
 *
 * <p>Several redo threads (RAC): each instance writes its own logs, and recovery to an SCN needs every thread's
 * redo up to it. A batch's end is therefore the lowest, over the open threads, of the highest next SCN that thread
 * has in the batch: below it every thread's redo is in this batch or an earlier one. A batch holds every log whose
 * redo reaches past the previous batch's end (its start), so the log of a thread that straddles a batch boundary
 * is shipped in both: at most one log per thread twice, and never a hole between two batches' positions.
 */
public final class OracleManifests {

  /** How the queries render Oracle DATE values: in the database host's zone, independent of NLS settings. */
  static final String DATE_FORMAT = "YYYY-MM-DD HH24:MI:SS";
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private OracleManifests() {}

  /**
   * The database a backup is taken of and where it stands.
   *
   * @param zone the database host's time zone, in which Oracle keeps DATE values
   * @param spfile whether the instance was started from an spfile
   */
  public record DatabaseIdentity(String dbid, String name, String currentScn, String logMode, long incarnation, ZoneId zone,
      boolean spfile) {}

  /** The SCN range and times of a backup's datafiles, from {@code V$BACKUP_DATAFILE} and {@code V$BACKUP_SET}. */
  public record BackupRange(String startScn, String endScn, String startTime, String endTime, int datafiles) {}

  /** One row of {@code V$ARCHIVED_LOG}; times as the queries render them, in the database host's zone. */
  public record ArchivedLog(int thread, long sequence, String firstScn, String nextScn, String firstTime, String nextTime, String name,
      String completionTime) {}

  /** The logs of a batch, as RMAN ranges, and the positions it covers. */
  public record LogBatch(List<SequenceRange> sequences, String startScn, String endScn, Instant startTime, Instant endTime) {
    public LogBatch {
      sequences = List.copyOf(sequences);
    }
  }

  /** A backup's manifest. Refuses a range the dictionary did not fill (no datafile backed up under the tag). */
  public static BackupManifest backup(String id, String target, BackupType type, String parentId, DatabaseIdentity identity,
      BackupRange range, List<Piece> pieces) {
    if (range.datafiles() < 1 || range.startScn() == null || range.endScn() == null) {
      throw new IllegalStateException("the control file knows no datafile backed up under tag " + RmanScripts.tag(id)
          + ": backup " + id + " did not complete");
    }
    if (type == BackupType.INCREMENTAL && (parentId == null || parentId.isBlank())) {
      throw new IllegalArgumentException("an INCREMENTAL backup names its parent");
    }
    return new BackupManifest(id, target, Dialect.ORACLE, type, type == BackupType.FULL ? null : parentId, identity.incarnation(),
        identity.dbid(), instant(range.startTime(), identity.zone()), instant(range.endTime(), identity.zone()),
        RmanScripts.scn(range.startScn()), RmanScripts.scn(range.endScn()), pieces);
  }

  /**
   * The batch of {@code logs} (every archived log whose next SCN is above {@code fromScn}, as
   * {@link OracleBackupQueries#logsToShip} lists them) for the threads that are open. Refuses a log missing inside
   * a thread's run, and an open thread with no log in the batch: what it wrote after {@code fromScn} would be
   * missing below the batch's end.
   */
  public static LogBatch batch(List<ArchivedLog> logs, Set<Integer> openThreads, String fromScn, ZoneId zone) {
    BigInteger from = new BigInteger(RmanScripts.scn(fromScn));
    if (logs.isEmpty()) {
      throw new IllegalStateException("no archived log reaches past SCN " + fromScn + ": nothing to ship");
    }
    Map<Integer, List<ArchivedLog>> byThread = logs.stream().collect(Collectors.groupingBy(ArchivedLog::thread, TreeMap::new,
        Collectors.collectingAndThen(Collectors.toList(), list -> list.stream().sorted(Comparator.comparingLong(ArchivedLog::sequence)).toList())));
    List<SequenceRange> ranges = new ArrayList<>();
    for (Map.Entry<Integer, List<ArchivedLog>> thread : byThread.entrySet()) {
      List<ArchivedLog> run = thread.getValue();
      ArchivedLog first = run.get(0);
      if (first.sequence() > 1 && new BigInteger(first.firstScn()).compareTo(from) > 0) {
        throw new IllegalStateException("archived log sequence " + (first.sequence() - 1) + " of thread " + thread.getKey()
            + " holds redo after SCN " + fromScn + " and is not on disk: it was deleted or lost before it was shipped");
      }
      for (int i = 1; i < run.size(); i++) {
        if (run.get(i).sequence() != run.get(i - 1).sequence() + 1) {
          throw new IllegalStateException("archived log sequence " + (run.get(i - 1).sequence() + 1) + " of thread " + thread.getKey()
              + " is not on disk: it was deleted or lost before it was shipped");
        }
      }
      ranges.add(new SequenceRange(thread.getKey(), first.sequence(), run.get(run.size() - 1).sequence()));
    }
    Set<Integer> limiting = openThreads.isEmpty() ? byThread.keySet() : openThreads;
    for (Integer thread : limiting) {
      if (!byThread.containsKey(thread)) {
        throw new IllegalStateException("thread " + thread + " is open but has no archived log past SCN " + fromScn
            + ": archive the current logs of every thread (ALTER SYSTEM ARCHIVE LOG CURRENT) before listing them");
      }
    }
    // Every limiting thread's redo is here up to the lowest of their last next SCNs, and up to the earliest of their
    // last next times.
    List<ArchivedLog> lasts = limiting.stream().map(byThread::get).map(run -> run.get(run.size() - 1)).toList();
    BigInteger end = lasts.stream().map(last -> new BigInteger(last.nextScn())).min(Comparator.naturalOrder()).orElseThrow();
    Instant endTime = lasts.stream().map(last -> instant(last.nextTime(), zone)).min(Comparator.naturalOrder()).orElseThrow();
    Instant startTime = logs.stream().map(log -> instant(log.firstTime(), zone)).min(Comparator.naturalOrder()).orElseThrow();
    return new LogBatch(ranges, fromScn, end.toString(), startTime, endTime);
  }

  /** A batch's manifest, once its pieces are in the bucket. */
  public static LogManifest logs(String id, String target, DatabaseIdentity identity, LogBatch batch, List<Piece> pieces) {
    return new LogManifest(id, target, Dialect.ORACLE, identity.incarnation(), identity.dbid(), batch.startTime(), batch.endTime(),
        batch.startScn(), batch.endScn(), pieces);
  }

  /**
   * The local archived logs that may be deleted: shipped (their thread and sequence in {@code shipped}, as our
   * catalog knows it) and completed before {@code completedBefore}; as ranges of consecutive sequences.
   */
  public static List<SequenceRange> deletable(List<ArchivedLog> local, Set<LogKey> shipped, Instant completedBefore, ZoneId zone) {
    List<ArchivedLog> chosen = local.stream()
        .filter(log -> shipped.contains(new LogKey(log.thread(), log.sequence())))
        .filter(log -> instant(log.completionTime(), zone).isBefore(completedBefore))
        .sorted(Comparator.comparingInt(ArchivedLog::thread).thenComparingLong(ArchivedLog::sequence))
        .toList();
    List<SequenceRange> ranges = new ArrayList<>();
    SequenceRange open = null;
    for (ArchivedLog log : chosen) {
      if (open != null && open.thread() == log.thread() && open.last() + 1 == log.sequence()) {
        open = new SequenceRange(open.thread(), open.first(), log.sequence());
        continue;
      }
      if (open != null) {
        ranges.add(open);
      }
      open = new SequenceRange(log.thread(), log.sequence(), log.sequence());
    }
    if (open != null) {
      ranges.add(open);
    }
    return ranges;
  }

  /** An archived log by thread and sequence, within one incarnation. */
  public record LogKey(int thread, long sequence) {}

  /** An Oracle DATE rendered with {@link #DATE_FORMAT}, read in the database host's zone. */
  static Instant instant(String text, ZoneId zone) {
    if (text == null) {
      throw new IllegalArgumentException("a time is required");
    }
    try {
      return LocalDateTime.parse(text, DATE).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time as YYYY-MM-DD HH24:MI:SS", e);
    }
  }
}
