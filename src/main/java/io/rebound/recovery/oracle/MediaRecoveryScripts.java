package io.rebound.recovery.oracle;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The RMAN command files of media recovery, one per strategy, built from validated values only: datafile numbers as
 * numbers, tablespace names as plain identifiers, file names as absolute paths (or ASM names) of letters, digits and
 * {@code / . _ -}, SCNs as numbers, times as explicit {@code TO_DATE} expressions in the database host's zone. No
 * quote, newline or RMAN substitution variable from outside reaches a script. SQL statements in the files are run by
 * RMAN as they stand (12c and later, connected as SYSDBA to the root). Why each file is shaped as it is, and what was
 * checked against Oracle's documentation: see the package documentation.
 */
public final class MediaRecoveryScripts {

  /** How a database is brought back. */
  public enum Strategy {
    /** Datafiles taken offline, restored and recovered while the rest of the database is open, then online again. */
    DATAFILES_WHILE_OPEN,
    /** Whole tablespaces taken offline, restored and recovered while the rest of the database is open. */
    TABLESPACES_WHILE_OPEN,
    /** Datafiles of SYSTEM or the undo tablespace: the database mounted, the files restored and recovered, then opened. */
    MOUNTED,
    /** Datafiles restored to a new place ({@code SET NEWNAME}, {@code SWITCH}), recovered there. */
    RELOCATED,
    /** The whole database restored and recovered to a point before now, opened with RESETLOGS. */
    INCOMPLETE,
    /** NOARCHIVELOG: the last consistent backup restored as it is, everything after it lost. */
    LAST_CONSISTENT_BACKUP
  }

  /**
   * A command file and its consequence.
   *
   * @param dataLoss what the approver accepts: "none" for complete recovery, otherwise what is lost after which point
   */
  public record Script(Strategy strategy, String rman, String dataLoss) {}

  /** A datafile restored to a new name. */
  public record Relocation(int file, String newName) {}

  /** A datafile whose copy was put at a new name by other means, renamed in the control file. */
  public record Rename(String from, String to) {}

  /** Where an incomplete recovery stops. */
  public sealed interface Until permits UntilScn, UntilTime {}

  /** Recovery applies redo up to, not including, {@code scn}. */
  public record UntilScn(String scn) implements Until {}

  /** Recovery stops at {@code time}, given to RMAN in the database host's {@code zone}. */
  public record UntilTime(Instant time, ZoneId zone) implements Until {}

  /**
   * A restore of the last consistent (cold) backup of a NOARCHIVELOG database.
   *
   * @param controlfilePiece the backup's control file piece: the current control file knows redo that no longer exists
   * @param catalogDirectory where the backup's pieces were put, when the restored control file does not know them there
   * @param consistentAt when the backup was taken, for the statement of what is lost
   */
  /**
   * The backup a NOARCHIVELOG database goes back to.
   *
   * @param untilScn for a backup taken online (with the database open, {@code PLUS ARCHIVELOG}), the SCN its own archived
   *     logs carry it to, where it becomes consistent; empty for a backup taken consistent (the database mounted after a
   *     clean shutdown), which needs no redo
   */
  public record ConsistentBackup(String backupId, String controlfilePiece, Optional<String> catalogDirectory, String dbid,
      Instant consistentAt, boolean containerDatabase, Optional<String> untilScn) {}

  static final int MOST_FILES = 65533;
  private static final Pattern SCN = Pattern.compile("[0-9]{1,20}");
  private static final Pattern DBID = Pattern.compile("[0-9]{1,10}");
  private static final Pattern TABLESPACE = Pattern.compile("[A-Z][A-Z0-9_]{0,127}");
  private static final Pattern FILE_PATH = Pattern.compile("/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*");
  private static final Pattern ASM_NAME = Pattern.compile("\\+[A-Za-z][A-Za-z0-9_]{0,29}(?:/[A-Za-z0-9._-]+)*");
  private static final DateTimeFormatter ORACLE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final String OPEN_PLUGGABLES = "ALTER PLUGGABLE DATABASE ALL OPEN;";

  private MediaRecoveryScripts() {}

  /**
   * Datafiles restored and recovered while the database stays open: taken offline first (a mounted database is then
   * opened without them, so that everything else serves while they are recovered), online again once recovered.
   * Refuses SYSTEM's file 1: SYSTEM cannot go offline, it is recovered {@link #mounted mounted}.
   */
  public static Script datafilesWhileOpen(List<Integer> files, boolean mounted) {
    String list = fileList(files);
    if (files.contains(1)) {
      throw new IllegalArgumentException("datafile 1 belongs to SYSTEM, which cannot be taken offline: recover it with the database"
          + " mounted");
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: datafile " + list + " restored and recovered while the rest of the database is open");
    lines.add("ALTER DATABASE DATAFILE " + list + " OFFLINE;");
    if (mounted) {
      lines.add("ALTER DATABASE OPEN;");
    }
    lines.add("RESTORE DATAFILE " + list + ";");
    lines.add("RECOVER DATAFILE " + list + ";");
    lines.add("ALTER DATABASE DATAFILE " + list + " ONLINE;");
    return new Script(Strategy.DATAFILES_WHILE_OPEN, text(lines), "none");
  }

  /**
   * Whole tablespaces restored and recovered while the database is open. {@code OFFLINE IMMEDIATE}: a tablespace with a
   * missing file cannot be checkpointed, which {@code OFFLINE NORMAL} would try. Refuses SYSTEM and the instance's undo
   * tablespace, which cannot go offline.
   */
  public static Script tablespacesWhileOpen(List<String> tablespaces, String undoTablespace) {
    List<String> names = tablespaces(tablespaces);
    for (String name : names) {
      if (name.equals("SYSTEM") || (undoTablespace != null && name.equalsIgnoreCase(undoTablespace.strip()))) {
        throw new IllegalArgumentException("tablespace " + name + " cannot be taken offline (SYSTEM, or the undo tablespace in use):"
            + " recover it with the database mounted");
      }
    }
    String list = String.join(", ", names);
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: tablespace " + list + " restored and recovered while the rest of the database is open");
    for (String name : names) {
      lines.add("ALTER TABLESPACE " + name + " OFFLINE IMMEDIATE;");
    }
    lines.add("RESTORE TABLESPACE " + list + ";");
    lines.add("RECOVER TABLESPACE " + list + ";");
    for (String name : names) {
      lines.add("ALTER TABLESPACE " + name + " ONLINE;");
    }
    return new Script(Strategy.TABLESPACES_WHILE_OPEN, text(lines), "none");
  }

  /**
   * Datafiles of SYSTEM or the undo tablespace (or any, when the database cannot open): the instance restarted mounted
   * ({@code STARTUP FORCE MOUNT}: an instance that lost SYSTEM cannot shut down cleanly), the files restored and
   * recovered completely, the database opened, and a container's pluggable databases with it.
   */
  public static Script mounted(List<Integer> files, boolean containerDatabase) {
    String list = fileList(files);
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: datafile " + list + " restored and recovered with the database mounted");
    lines.add("STARTUP FORCE MOUNT;");
    lines.add("RESTORE DATAFILE " + list + ";");
    lines.add("RECOVER DATAFILE " + list + ";");
    lines.add("ALTER DATABASE OPEN;");
    if (containerDatabase) {
      lines.add(OPEN_PLUGGABLES);
    }
    return new Script(Strategy.MOUNTED, text(lines), "none");
  }

  /**
   * Datafiles whose place is lost (a failed disk) restored under new names: {@code SET NEWNAME} before the restore,
   * {@code SWITCH DATAFILE} after it so that the control file names the new files, then recovery there. With the
   * database open the files are taken offline and back online; {@code mount} restarts it mounted instead (for SYSTEM or
   * undo files, or a database that does not open) and opens it at the end.
   */
  public static Script relocated(List<Relocation> relocations, boolean mount, boolean containerDatabase) {
    if (relocations.isEmpty()) {
      throw new IllegalArgumentException("a relocation names at least one datafile");
    }
    List<Integer> numbers = relocations.stream().map(Relocation::file).toList();
    String list = fileList(numbers);
    Set<String> targets = new LinkedHashSet<>();
    for (Relocation relocation : relocations) {
      if (!targets.add(fileName(relocation.newName(), "new name of datafile " + relocation.file()))) {
        throw new IllegalArgumentException("two datafiles cannot both move to " + relocation.newName());
      }
    }
    if (!mount && numbers.contains(1)) {
      throw new IllegalArgumentException("datafile 1 belongs to SYSTEM, which cannot be taken offline: relocate it with the database"
          + " mounted");
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: datafile " + list + " restored to new names and recovered there");
    lines.add(mount ? "STARTUP FORCE MOUNT;" : "ALTER DATABASE DATAFILE " + list + " OFFLINE;");
    lines.add("RUN {");
    for (Relocation relocation : relocations) {
      lines.add("  SET NEWNAME FOR DATAFILE " + relocation.file() + " TO '" + relocation.newName() + "';");
    }
    lines.add("  RESTORE DATAFILE " + list + ";");
    lines.add("  SWITCH DATAFILE " + list + ";");
    lines.add("  RECOVER DATAFILE " + list + ";");
    lines.add("}");
    if (mount) {
      lines.add("ALTER DATABASE OPEN;");
      if (containerDatabase) {
        lines.add(OPEN_PLUGGABLES);
      }
    } else {
      lines.add("ALTER DATABASE DATAFILE " + list + " ONLINE;");
    }
    return new Script(Strategy.RELOCATED, text(lines), "none");
  }

  /**
   * The SQL that points the control file at datafiles a DBA has copied to new places (the seed's
   * {@code ALTER DATABASE RENAME FILE}): valid with the database mounted, or with the files' tablespace offline. The
   * statements carry no terminator, for JDBC; RMAN takes them with one.
   */
  public static List<String> renameFiles(List<Rename> renames) {
    if (renames.isEmpty()) {
      throw new IllegalArgumentException("a rename names at least one datafile");
    }
    List<String> statements = new ArrayList<>();
    for (Rename rename : renames) {
      String from = fileName(rename.from(), "datafile");
      String to = fileName(rename.to(), "new name of " + from);
      if (from.equals(to)) {
        throw new IllegalArgumentException("datafile " + from + " is renamed to itself");
      }
      statements.add("ALTER DATABASE RENAME FILE '" + from + "' TO '" + to + "'");
    }
    return statements;
  }

  /**
   * The whole database restored and recovered to a point before now: mounted, {@code SET UNTIL} in the same
   * {@code RUN} block as the restore (so that RMAN picks backups from before the point) and the recovery, then
   * {@code OPEN RESETLOGS}, the only way to open after an incomplete recovery.
   */
  public static Script incomplete(Until until, boolean containerDatabase) {
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: the database restored and recovered until " + untilText(until));
    lines.add("STARTUP FORCE MOUNT;");
    lines.add("RUN {");
    lines.add("  SET UNTIL " + untilClause(until) + ";");
    lines.add("  RESTORE DATABASE;");
    lines.add("  RECOVER DATABASE;");
    lines.add("}");
    lines.add("ALTER DATABASE OPEN RESETLOGS;");
    if (containerDatabase) {
      lines.add(OPEN_PLUGGABLES);
    }
    return new Script(Strategy.INCOMPLETE, text(lines), "every change after " + untilText(until) + " is lost");
  }

  /**
   * A NOARCHIVELOG database: no redo after its last backup exists, so no file can be recovered past it; the honest answer
   * is that backup, whole, control file included. A backup taken online is made consistent by the archived logs it holds
   * itself ({@code PLUS ARCHIVELOG}): restored and recovered until its end SCN, and no further. A backup taken consistent
   * needs no redo ({@code RECOVER DATABASE NOREDO}: only what incremental backups hold). {@code OPEN RESETLOGS} is
   * required after a restored control file.
   */
  public static Script lastConsistentBackup(ConsistentBackup backup) {
    String piece = fileName(backup.controlfilePiece(), "control file piece");
    Optional<String> until = backup.untilScn().map(MediaRecoveryScripts::scn);
    List<String> lines = new ArrayList<>();
    lines.add("# Rebound media recovery: NOARCHIVELOG, the backup " + identifier(backup.backupId()) + " restored whole"
        + until.map(scn -> " and made consistent at SCN " + scn + " by the archived logs it holds").orElse(", taken consistent"));
    lines.add("STARTUP FORCE NOMOUNT;");
    lines.add("SET DBID " + dbid(backup.dbid()) + ";");
    lines.add("RESTORE CONTROLFILE FROM '" + piece + "';");
    lines.add("ALTER DATABASE MOUNT;");
    backup.catalogDirectory().ifPresent(directory -> lines.add("CATALOG START WITH '" + fileName(directory, "catalog directory") + "/'"
        + " NOPROMPT;"));
    if (until.isPresent()) {
      lines.add("RUN {");
      lines.add("  SET UNTIL SCN " + until.get() + ";");
      lines.add("  RESTORE DATABASE;");
      lines.add("  RECOVER DATABASE;");
      lines.add("}");
    } else {
      lines.add("RESTORE DATABASE;");
      lines.add("RECOVER DATABASE NOREDO;");
    }
    lines.add("ALTER DATABASE OPEN RESETLOGS;");
    if (backup.containerDatabase()) {
      lines.add(OPEN_PLUGGABLES);
    }
    return new Script(Strategy.LAST_CONSISTENT_BACKUP, text(lines), "every change after backup " + backup.backupId() + " ("
        + backup.consistentAt() + ") is lost: the database does not archive its redo (NOARCHIVELOG), so nothing after its last"
        + " consistent backup can be recovered");
  }

  /** An SCN, checked: decimal digits only. */
  static String scn(String scn) {
    if (scn == null || !SCN.matcher(scn).matches()) {
      throw new IllegalArgumentException("'" + scn + "' is not an SCN (a decimal number)");
    }
    return scn;
  }

  /**
   * A file name RMAN and SQL can be given in single quotes: an absolute path, or an ASM name ({@code +DATA/...}), of
   * letters, digits, {@code / . _ -}, without {@code ..} or an empty segment.
   */
  static String fileName(String name, String what) {
    if (name == null || name.length() > 513 || !(FILE_PATH.matcher(name).matches() || ASM_NAME.matcher(name).matches())
        || name.contains("/../") || name.endsWith("/..") || name.contains("/./") || name.endsWith("/.")) {
      throw new IllegalArgumentException(what + " '" + name + "' must be an absolute path or an ASM name (+DISKGROUP/...) of letters,"
          + " digits, '/', '.', '_' and '-'");
    }
    return name;
  }

  private static List<String> tablespaces(List<String> tablespaces) {
    if (tablespaces.isEmpty()) {
      throw new IllegalArgumentException("name at least one tablespace");
    }
    List<String> names = new ArrayList<>();
    for (String raw : tablespaces) {
      String name = raw == null ? null : raw.strip().toUpperCase(Locale.ROOT);
      if (name == null || !TABLESPACE.matcher(name).matches()) {
        throw new IllegalArgumentException("tablespace '" + raw + "' must be a plain name: a letter, then letters, digits and '_'");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private static String fileList(List<Integer> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("name at least one datafile");
    }
    for (Integer file : files) {
      if (file == null || file < 1 || file > MOST_FILES) {
        throw new IllegalArgumentException("'" + file + "' is not a datafile number (1 to " + MOST_FILES + ")");
      }
    }
    return files.stream().distinct().sorted().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String identifier(String id) {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException("backup id '" + id + "' must be letters, digits, '.', '_' and '-'");
    }
    return id;
  }

  private static String dbid(String dbid) {
    if (dbid == null || !DBID.matcher(dbid).matches()) {
      throw new IllegalArgumentException("'" + dbid + "' is not a DBID (a number of up to 10 digits)");
    }
    return dbid;
  }

  private static String untilClause(Until until) {
    if (until instanceof UntilScn scn) {
      return "SCN " + scn(scn.scn());
    }
    UntilTime time = (UntilTime) until;
    return "TIME \"TO_DATE('" + ORACLE_DATE.format(time.time().atZone(time.zone())) + "', 'YYYY-MM-DD HH24:MI:SS')\"";
  }

  private static String untilText(Until until) {
    if (until instanceof UntilScn scn) {
      return "SCN " + scn(scn.scn());
    }
    UntilTime time = (UntilTime) until;
    return time.time() + " (" + ORACLE_DATE.format(time.time().atZone(time.zone())) + " " + time.zone().getId() + ")";
  }

  private static String text(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }
}
