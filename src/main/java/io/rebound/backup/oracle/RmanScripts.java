package io.rebound.backup.oracle;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.target.Dialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The RMAN command files Rebound runs, built from validated values only: backup ids and piece names by the bucket's
 * naming rule, paths absolute and free of quotes and RMAN's {@code %} substitutions, SCNs and sequences as numbers,
 * times as explicit {@code TO_DATE} expressions. Nothing a user typed reaches a script without passing one of
 * these checks. Why each command is shaped as it is: see the package documentation.
 */
public final class RmanScripts {

  /** The name the control file backup of a backup starts with, so that a restore knows which piece holds it. */
  public static final String CONTROLFILE_PREFIX = "controlfile_";
  public static final String SPFILE_PREFIX = "spfile_";
  /** SQL that RMAN (12c and later) runs as it stands, connected to the root as SYSDBA. */
  public static final String OPEN_PLUGGABLE_DATABASES = "ALTER PLUGGABLE DATABASE ALL OPEN;";
  /** RMAN refuses longer tags. */
  static final int LONGEST_TAG = 30;
  static final int MOST_CHANNELS = 64;
  /** Above this a datafile is backed up in sections by several channels at once (multisection, 12c and later). */
  public static final long DEFAULT_SECTION_SIZE_MEGABYTES = 32 * 1024;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/._-]{0,399}");
  private static final Pattern SCN = Pattern.compile("[0-9]{1,20}");
  private static final DateTimeFormatter ORACLE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private RmanScripts() {}

  /**
   * A FULL or INCREMENTAL backup.
   *
   * @param workDirectory where the backup's directory ({@code <work>/<backup id>/}) is created before RMAN runs
   * @param parallelism disk channels, from the target's parallelism
   * @param sectionSizeMegabytes section size for multisection backups of big datafiles
   * @param fromScn the database's SCN read just before the backup: the archived logs from there on make it consistent
   * @param spfile whether the instance runs on an spfile ({@code V$PARAMETER} {@code spfile} set); a pfile cannot be backed up
   */
  public record Backup(String backupId, BackupType type, Path workDirectory, int parallelism, long sectionSizeMegabytes, String fromScn,
      boolean spfile) {}

  /** Archived logs {@code first} to {@code last} (inclusive) of one redo thread. */
  public record SequenceRange(int thread, long first, long last) {
    public SequenceRange {
      if (thread < 1 || first < 1 || last < first) {
        throw new IllegalArgumentException("not a range of archived logs: thread " + thread + ", sequences " + first + " to " + last);
      }
    }
  }

  /** A batch of archived logs shipped between backups, into {@code <work>/<batch id>/}. */
  public record LogShipment(String batchId, Path workDirectory, int parallelism, List<SequenceRange> sequences) {
    public LogShipment {
      sequences = List.copyOf(sequences);
    }
  }

  /**
   * Local archived logs to delete: exactly the ones our catalog holds in S3, and only those that completed before
   * {@code completedBefore} (now minus {@code local-archive-retention}).
   *
   * @param zone the database host's time zone, in which Oracle keeps completion times
   */
  public record ArchivelogDeletion(List<SequenceRange> shipped, Instant completedBefore, ZoneId zone) {
    public ArchivelogDeletion {
      shipped = List.copyOf(shipped);
    }
  }

  /** Where recovery stops: before an SCN, or at a time in the database host's zone. */
  public sealed interface Until permits UntilScn, UntilTime {}

  /** Recovery applies redo up to, not including, {@code scn}: "latest" is the next SCN of the last shipped log. */
  public record UntilScn(String scn) implements Until {}

  public record UntilTime(Instant time, ZoneId zone) implements Until {}

  /**
   * A restore of the whole database from downloaded pieces.
   *
   * @param downloadDirectory where every piece of the plan was downloaded (checksums verified)
   * @param controlfilePiece the control file piece of the plan's last backup, when the control file is lost, belongs
   *     to another database, or is of a later incarnation than the point (see {@link #needsControlfile})
   * @param spfilePiece the spfile piece, when the instance has no spfile to start from
   * @param dbid the plan's database (its manifests' identity): an instance that is not mounted does not know it, and
   *     RMAN is told it before it restores a control file or spfile from a piece
   */
  public record Restore(Path downloadDirectory, Optional<Path> controlfilePiece, Optional<Path> spfilePiece, Until until,
      int parallelism, String dbid) {}

  /** The directory a backup's or a batch's pieces are written to. */
  public static Path pieceDirectory(Path workDirectory, String id) {
    return path(workDirectory, "work directory").resolve(id(id));
  }

  /**
   * The RMAN tag of a backup or batch: {@code RB_} and the id in capitals, or, for an id too long or with
   * characters a tag cannot hold, a prefix of it and a hash of the whole, so that two ids never share a tag.
   */
  public static String tag(String id) {
    String plain = "RB_" + id(id).toUpperCase(Locale.ROOT);
    if (plain.length() <= LONGEST_TAG && plain.matches("[A-Z0-9_]+")) {
      return plain;
    }
    String hash = sha256(id).substring(0, 10).toUpperCase(Locale.ROOT);
    String readable = id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    int room = LONGEST_TAG - "RB_".length() - 1 - hash.length();
    return "RB_" + readable.substring(0, Math.min(room, readable.length())) + "_" + hash;
  }

  /** The command file of a FULL (level 0) or INCREMENTAL (differential level 1) backup. */
  public static String backup(Backup backup) {
    Path directory = pieceDirectory(backup.workDirectory(), backup.backupId());
    String tag = quoted(tag(backup.backupId()));
    int level = backup.type() == BackupType.FULL ? 0 : 1;
    if (backup.sectionSizeMegabytes() < 1) {
      throw new IllegalArgumentException("section size must be at least 1 MB, not " + backup.sectionSizeMegabytes());
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound backup " + backup.backupId() + ": " + backup.type() + " (incremental level " + level + ")");
    lines.add("RUN {");
    channels(lines, directory, backup.parallelism());
    lines.add("  BACKUP INCREMENTAL LEVEL " + level + " SECTION SIZE " + backup.sectionSizeMegabytes() + "M DATABASE TAG " + tag + ";");
    // The log being written when the backup ended is needed to make it consistent: archive it, then back up every
    // log since the backup began.
    lines.add("  SQL 'ALTER SYSTEM ARCHIVE LOG CURRENT';");
    lines.add("  BACKUP ARCHIVELOG FROM SCN " + scn(backup.fromScn()) + " TAG " + tag + ";");
    // Last, so that the control file knows every backup set above.
    lines.add("  BACKUP CURRENT CONTROLFILE FORMAT " + quotedPath(directory.resolve(CONTROLFILE_PREFIX + "%U")) + " TAG " + tag + ";");
    if (backup.spfile()) {
      lines.add("  BACKUP SPFILE FORMAT " + quotedPath(directory.resolve(SPFILE_PREFIX + "%U")) + " TAG " + tag + ";");
    }
    lines.add("}");
    return String.join("\n", lines) + "\n";
  }

  /** The command file that backs up exactly the named archived logs, one command per thread. */
  public static String shipLogs(LogShipment shipment) {
    if (shipment.sequences().isEmpty()) {
      throw new IllegalArgumentException("a log batch names at least one archived log");
    }
    Path directory = pieceDirectory(shipment.workDirectory(), shipment.batchId());
    String tag = quoted(tag(shipment.batchId()));
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound archived logs " + shipment.batchId());
    lines.add("RUN {");
    channels(lines, directory, shipment.parallelism());
    for (SequenceRange range : sorted(shipment.sequences())) {
      lines.add("  BACKUP ARCHIVELOG " + sequences(range) + " TAG " + tag + ";");
    }
    lines.add("}");
    return String.join("\n", lines) + "\n";
  }

  /**
   * The command file that deletes the shipped local archived logs that are older than the local retention. No
   * {@code FORCE}: an archived log deletion policy (logs a standby still needs) keeps its say, and RMAN reports the
   * logs it keeps (RMAN-08137, RMAN-08138).
   */
  public static String deleteArchivelogs(ArchivelogDeletion deletion) {
    if (deletion.shipped().isEmpty()) {
      throw new IllegalArgumentException("no shipped archived logs to delete");
    }
    String before = toDate(deletion.completedBefore(), deletion.zone());
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound: local archived logs in S3 and completed before " + deletion.completedBefore());
    for (SequenceRange range : sorted(deletion.shipped())) {
      lines.add("DELETE NOPROMPT ARCHIVELOG " + sequences(range) + " COMPLETED BEFORE \"" + before + "\";");
    }
    return String.join("\n", lines) + "\n";
  }

  /**
   * The command file of a restore: the instance started afresh, the spfile and the control file restored from the
   * named pieces when asked, every downloaded piece cataloged, then restore and recovery to the point in one
   * {@code RUN} block, and {@code OPEN RESETLOGS}: recovery always stops at a point ({@code UNTIL}), which is an
   * incomplete recovery, and a restored control file requires RESETLOGS whatever the point.
   */
  public static String restore(Restore restore) {
    return restore(restore, false);
  }

  /**
   * The command file of a restore, then, for a container database, its pluggable databases opened: OPEN RESETLOGS
   * opens the root only and leaves them MOUNTED.
   */
  public static String restore(Restore restore, boolean containerDatabase) {
    Path downloads = path(restore.downloadDirectory(), "download directory");
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound restore from " + downloads + " until " + untilText(restore.until()));
    // FORCE: whatever state the instance is in (open, mounted, down), it is restarted without mounting.
    lines.add("STARTUP FORCE NOMOUNT;");
    if (restore.controlfilePiece().isPresent() || restore.spfilePiece().isPresent()) {
      lines.add("SET DBID " + dbid(restore.dbid()) + ";");
    }
    restore.spfilePiece().ifPresent(piece -> {
      lines.add("RESTORE SPFILE FROM " + quotedPath(inside(downloads, piece)) + ";");
      lines.add("STARTUP FORCE NOMOUNT;");
    });
    restore.controlfilePiece().ifPresent(piece -> lines.add("RESTORE CONTROLFILE FROM " + quotedPath(inside(downloads, piece)) + ";"));
    lines.add("ALTER DATABASE MOUNT;");
    lines.add("CATALOG START WITH " + quotedPath(downloads, "/") + " NOPROMPT;");
    // Pieces the control file remembers in the work directory were removed after their upload, and local logs may
    // be gone: marked EXPIRED, they are not tried before the downloaded copies.
    lines.add("CROSSCHECK BACKUP;");
    lines.add("CROSSCHECK ARCHIVELOG ALL;");
    lines.add("RUN {");
    for (int channel = 1; channel <= channels(restore.parallelism()); channel++) {
      lines.add("  ALLOCATE CHANNEL rb" + channel + " DEVICE TYPE DISK;");
    }
    lines.add("  SET UNTIL " + untilClause(restore.until()) + ";");
    lines.add("  RESTORE DATABASE;");
    lines.add("  RECOVER DATABASE;");
    lines.add("}");
    lines.add("ALTER DATABASE OPEN RESETLOGS;");
    if (containerDatabase) {
      lines.add(OPEN_PLUGGABLE_DATABASES);
    }
    return String.join("\n", lines) + "\n";
  }

  /**
   * The restore of a plan whose pieces were downloaded as {@code <download directory>/<backup or batch id>/<piece
   * name>}, the layout the work directory had: "latest" recovers until the SCN the last shipped log ends at, a point
   * in time until that time in the host's zone. The control file and spfile, when needed, are those of the plan's
   * last backup, the newest that knows every backup the point needs.
   */
  public static Restore restoreOf(RecoveryPlan plan, Path downloadDirectory, boolean controlfile, boolean spfile, int parallelism,
      ZoneId zone) {
    if (plan.dialect() != Dialect.ORACLE) {
      throw new IllegalArgumentException("plan of target " + plan.target() + " is for " + plan.dialect() + ", not Oracle");
    }
    Until until = plan.recoverToPosition() != null ? new UntilScn(plan.recoverToPosition()) : new UntilTime(plan.recoverToTime(), zone);
    BackupManifest last = plan.backups().get(plan.backups().size() - 1);
    Optional<Path> controlfilePiece = controlfile ? Optional.of(piece(downloadDirectory, last, CONTROLFILE_PREFIX)) : Optional.empty();
    Optional<Path> spfilePiece = spfile ? Optional.of(piece(downloadDirectory, last, SPFILE_PREFIX)) : Optional.empty();
    return new Restore(downloadDirectory, controlfilePiece, spfilePiece, until, parallelism, plan.databaseIdentity());
  }

  private static Path piece(Path downloadDirectory, BackupManifest backup, String prefix) {
    return backup.pieces().stream().map(Piece::name).filter(name -> name.startsWith(prefix)).findFirst()
        .map(name -> pieceDirectory(downloadDirectory, backup.id()).resolve(name))
        .orElseThrow(() -> new IllegalStateException("backup " + backup.id() + " has no " + prefix + "* piece to restore from"));
  }

  /**
   * Whether a restore must start from the backup's control file: when the current one cannot be read (lost), belongs
   * to another database (a restore elsewhere), or is of another incarnation than the plan's (a point before a later
   * OPEN RESETLOGS: the current control file's redo history no longer leads there).
   *
   * @param currentDbid the DBID the mounted control file gives, or none when the database does not mount
   * @param currentIncarnation its current incarnation, or none when it does not mount
   */
  public static boolean needsControlfile(Optional<String> currentDbid, Optional<Long> currentIncarnation, String planDbid,
      long planIncarnation) {
    return currentDbid.isEmpty() || currentIncarnation.isEmpty() || !currentDbid.get().equals(planDbid)
        || currentIncarnation.get() != planIncarnation;
  }

  /** An Oracle date expression for an instant, in the database host's zone, independent of NLS_DATE_FORMAT. */
  static String toDate(Instant instant, ZoneId zone) {
    return "TO_DATE('" + ORACLE_DATE.format(instant.atZone(zone)) + "', 'YYYY-MM-DD HH24:MI:SS')";
  }

  private static String untilClause(Until until) {
    if (until instanceof UntilScn scn) {
      return "SCN " + scn(scn.scn());
    }
    UntilTime time = (UntilTime) until;
    return "TIME \"" + toDate(time.time(), time.zone()) + "\"";
  }

  private static String untilText(Until until) {
    return until instanceof UntilScn scn ? "SCN " + scn(scn.scn()) : ((UntilTime) until).time().toString();
  }

  private static void channels(List<String> lines, Path directory, int parallelism) {
    for (int channel = 1; channel <= channels(parallelism); channel++) {
      lines.add("  ALLOCATE CHANNEL rb" + channel + " DEVICE TYPE DISK FORMAT " + quotedPath(directory.resolve("%U")) + ";");
    }
  }

  private static int channels(int parallelism) {
    if (parallelism < 1 || parallelism > MOST_CHANNELS) {
      throw new IllegalArgumentException("parallelism must be 1 to " + MOST_CHANNELS + " channels, not " + parallelism);
    }
    return parallelism;
  }

  private static String sequences(SequenceRange range) {
    String sequences = range.first() == range.last() ? "SEQUENCE " + range.first()
        : "SEQUENCE BETWEEN " + range.first() + " AND " + range.last();
    return sequences + " THREAD " + range.thread();
  }

  private static List<SequenceRange> sorted(List<SequenceRange> ranges) {
    return ranges.stream().sorted(Comparator.comparingInt(SequenceRange::thread).thenComparingLong(SequenceRange::first)).toList();
  }

  private static String id(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id '" + id + "' must be 1 to 100 letters, digits, '.', '_' and '-', starting with a letter"
          + " or digit");
    }
    return id;
  }

  private static String dbid(String dbid) {
    if (dbid == null || !dbid.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("'" + dbid + "' is not a DBID (a number of up to 10 digits)");
    }
    return dbid;
  }

  static String scn(String scn) {
    if (scn == null || !SCN.matcher(scn).matches()) {
      throw new IllegalArgumentException("'" + scn + "' is not an SCN (a decimal number)");
    }
    return scn;
  }

  /** A path RMAN can be given in single quotes: absolute, normalised, no quote, no {@code %}, no space. */
  static Path path(Path path, String what) {
    if (path == null || !PATH.matcher(path.toString()).matches() || !path.normalize().equals(path)) {
      throw new IllegalArgumentException(what + " '" + path + "' must be an absolute, normalised path of letters, digits, '/', '.',"
          + " '_' and '-'");
    }
    return path;
  }

  private static Path inside(Path directory, Path piece) {
    Path checked = path(piece, "piece");
    if (!checked.startsWith(directory) || checked.equals(directory)) {
      throw new IllegalArgumentException("piece " + piece + " is not inside the download directory " + directory);
    }
    return checked;
  }

  /** A format: the path checked, then RMAN's substitution variable appended by us, never taken from input. */
  private static String quotedPath(Path pathWithFormat) {
    String text = pathWithFormat.toString();
    boolean format = text.endsWith("%U");
    Path plain = Path.of(format ? text.substring(0, text.length() - 2) + "U" : text);
    path(plain, "path");
    return "'" + text + "'";
  }

  private static String quotedPath(Path directory, String suffix) {
    return "'" + path(directory, "directory") + suffix + "'";
  }

  private static String quoted(String tag) {
    return "'" + tag + "'";
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
