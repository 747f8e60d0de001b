package io.rebound.recovery.oracle;

import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import io.rebound.recovery.LogArchiving;
import io.rebound.recovery.RestoreUnit;
import io.rebound.recovery.oracle.OpenFailure.DamagedFile;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An Oracle database's picture in the words the decision table reads ({@link io.rebound.recovery.Triage}): every
 * datafile that needs media recovery as an affected file (named by the control file, its tablespace, SYSTEM or UNDO or
 * data, whether its directory can take it back, what V$RECOVER_FILE and the failed open said of it), the smallest unit
 * that covers them (a datafile, whole tablespaces, the whole database), and whether the redo is archived.
 *
 * <p>{@code holds} of each file starts with {@code datafile <number>}: the commands are built from the approved triage,
 * and that is where they find the number RMAN is given.
 */
final class TriageMapping {

  /** The check line a container database's triage carries: its commands open the pluggable databases with it. */
  static final String CONTAINER = "container database: its pluggable databases are opened with it";

  private TriageMapping() {}

  /**
   * @param startedNow whether triage started the instance (RMAN {@code STARTUP MOUNT}) before reading it
   * @param directoryUsable whether a datafile's directory is there to take it back
   */
  static io.rebound.recovery.Triage triage(DatabasePicture picture, boolean startedNow, Predicate<String> directoryUsable) {
    if (!picture.reachable()) {
      return new io.rebound.recovery.Triage(false, false, null, List.of(), RestoreUnit.NONE,
          new LogArchiving(false, "not read: the instance does not answer"), picture.said(), List.of());
    }
    DatabaseState database = picture.database();
    if (database == null) {
      return new io.rebound.recovery.Triage(true, false, null, List.of(), RestoreUnit.NONE,
          new LogArchiving(false, "not read: no control file is mounted"), picture.said(), List.of());
    }
    Triage.Diagnosis diagnosis = Triage.diagnose(database, picture.datafiles(), picture.recoverFiles(), picture.openFailure(),
        picture.archivedLogs(), picture.onlineLogStarts());
    String undo = database.undoTablespace() == null ? null : database.undoTablespace().strip().toUpperCase(Locale.ROOT);
    List<AffectedFile> files = new ArrayList<>();
    for (Triage.AffectedFile file : diagnosis.files()) {
      files.add(new AffectedFile(file.name() == null ? "datafile " + file.number() : file.name(), file.tablespace(),
          kind(file, undo), "datafile " + file.number() + (file.tablespace() == null ? "" : " of tablespace " + file.tablespace()),
          file.name() != null && directoryUsable.test(file.name()), problem(file, picture)));
    }
    return new io.rebound.recovery.Triage(true, database.open(), instanceRecovery(picture, startedNow), files,
        unit(diagnosis, picture.datafiles()), archiving(database, diagnosis), picture.said(), checks(picture, diagnosis));
  }

  static FileKind kind(Triage.AffectedFile file, String undoTablespace) {
    if (file.number() == 1 || "SYSTEM".equals(file.tablespace())) {
      return FileKind.SYSTEM;
    }
    if (undoTablespace != null && undoTablespace.equals(file.tablespace())) {
      return FileKind.UNDO;
    }
    return FileKind.DATA;
  }

  /** Every datafile: the whole database; every file of each tablespace named: those tablespaces; otherwise datafiles. */
  static RestoreUnit unit(Triage.Diagnosis diagnosis, List<Datafile> datafiles) {
    if (diagnosis.files().isEmpty()) {
      return RestoreUnit.NONE;
    }
    if (diagnosis.files().size() >= datafiles.size() && datafiles.stream()
        .allMatch(datafile -> diagnosis.files().stream().anyMatch(file -> file.number() == datafile.number()))) {
      return RestoreUnit.WHOLE;
    }
    boolean wholeTablespaces = diagnosis.files().stream()
        .allMatch(file -> file.tablespace() != null && diagnosis.wholeTablespaces().contains(file.tablespace()));
    return wholeTablespaces ? RestoreUnit.TABLESPACE : RestoreUnit.FILE;
  }

  /** What V$RECOVER_FILE and the failed open said of a file, in that order. */
  static String problem(Triage.AffectedFile file, DatabasePicture picture) {
    List<String> said = new ArrayList<>();
    Optional<RecoverFile> listed = picture.recoverFiles().stream().filter(row -> row.number() == file.number()).findFirst();
    listed.ifPresent(row -> said.add("V$RECOVER_FILE: " + (row.error() == null || row.error().isBlank() ? "needs media recovery"
        : row.error().strip()) + (row.onlineStatus() == null ? "" : ", " + row.onlineStatus().strip())
        + (row.changeScn() == null || "0".equals(row.changeScn()) ? "" : ", from SCN " + row.changeScn())));
    Optional<DamagedFile> named = picture.openFailure().files().stream().filter(damaged -> damaged.number() == file.number()).findFirst();
    named.ifPresent(damaged -> said.add(damaged.problem() == OpenFailure.Problem.MISSING
        ? "the open failed on it (ORA-01157 cannot identify/lock" + damaged.reason().map(reason -> ": " + reason).orElse("") + ")"
        : "the open failed on it (ORA-01113 needs media recovery)"));
    return (file.missing() ? "missing or unreadable: restore and recover" : "behind the control file: recover") + " ("
        + String.join("; ", said) + ")";
  }

  static LogArchiving archiving(DatabaseState database, Triage.Diagnosis diagnosis) {
    if (!database.archivelog()) {
      return new LogArchiving(false, "NOARCHIVELOG: no redo is archived, so no change after the last consistent backup can be"
          + " replayed");
    }
    Triage.LogCoverage logs = diagnosis.logs();
    if (logs.fromScn() == null) {
      return new LogArchiving(true, "ARCHIVELOG");
    }
    return new LogArchiving(true, "ARCHIVELOG; from SCN " + logs.fromScn() + (logs.onDisk()
        ? " the archived logs on disk reach the online redo"
        : " not on disk: " + String.join(", ", logs.missing()) + " (restored from the shipped batches)"));
  }

  private static String instanceRecovery(DatabasePicture picture, boolean startedNow) {
    if (!picture.openedNow()) {
      return startedNow ? "the instance was started (STARTUP MOUNT) and the database did not open" : null;
    }
    return (startedNow ? "the instance was started (STARTUP MOUNT) and " : "") + "ALTER DATABASE OPEN opened it: the server rolled"
        + " its online redo forward and back as it opened";
  }

  private static List<String> checks(DatabasePicture picture, Triage.Diagnosis diagnosis) {
    DatabaseState database = picture.database();
    List<String> checks = new ArrayList<>();
    checks.add("V$DATABASE: " + database.name() + " (DBID " + database.dbid() + "), " + database.logMode() + ", " + database.openMode()
        + ", checkpoint SCN " + database.checkpointScn());
    if (database.container()) {
      checks.add(CONTAINER);
    }
    long needing = picture.recoverFiles().stream().filter(row -> !row.recoveryNotNeeded()).count();
    checks.add("V$DATAFILE: " + picture.datafiles().size() + " datafiles; V$RECOVER_FILE: " + needing + " need media recovery");
    if (!picture.openFailure().errors().isEmpty()) {
      checks.add("the open named " + picture.openFailure().files().size() + " datafile(s)");
    }
    if (!diagnosis.wholeTablespaces().isEmpty()) {
      checks.add("every datafile of " + String.join(", ", diagnosis.wholeTablespaces()) + " is affected");
    }
    return checks;
  }
}
