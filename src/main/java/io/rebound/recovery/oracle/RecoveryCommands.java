package io.rebound.recovery.oracle;

import io.rebound.backup.BackupLayout;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.oracle.RmanScripts;
import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import io.rebound.recovery.StrategyDecision;
import io.rebound.recovery.Triage;
import io.rebound.recovery.oracle.MediaRecoveryScripts.ConsistentBackup;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Relocation;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Script;
import io.rebound.recovery.oracle.MediaRecoveryScripts.UntilTime;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RMAN command file a decision of {@code media-recovery-strategy.dmn} runs on an Oracle database, from the approved
 * triage alone (so that the file run is the file approved): one of {@link MediaRecoveryScripts}, with the downloaded
 * pieces catalogued before the first restore ({@code CATALOG START WITH}, then {@code CROSSCHECK}), since the backups'
 * own directories were released once they were in the bucket.
 *
 * <ul>
 *   <li>{@code RESTORE_DATAFILE}: the datafiles offline, restored, recovered, online; a database that did not open is
 *   opened without them first.</li>
 *   <li>{@code RESTORE_TABLESPACE}: the tablespaces {@code OFFLINE IMMEDIATE}, restored, recovered, online. A tablespace
 *   cannot be taken offline while the database is only mounted: there, its datafiles are taken offline instead, which
 *   covers the same files.</li>
 *   <li>{@code RESTORE_MOUNTED} and {@code RESTORE_DATABASE} (complete): the database mounted, the affected files (every
 *   datafile for the whole database) restored and recovered with the current control file, then opened.</li>
 *   <li>{@code *_RELOCATED}, and any strategy whose decision renames: every affected file restored into the relocation
 *   directory under its own file name ({@code SET NEWNAME}, {@code SWITCH DATAFILE}).</li>
 *   <li>{@code POINT_IN_TIME}: the whole database until the point, in the database host's zone, {@code OPEN RESETLOGS}.</li>
 *   <li>{@code RESTORE_LAST_BACKUP} (NOARCHIVELOG): the last backup whole, its control file included, recovered to its end
 *   with the archived logs it holds and no further.</li>
 * </ul>
 */
final class RecoveryCommands {

  static final List<String> CROSSCHECK = List.of("CROSSCHECK BACKUP;", "CROSSCHECK ARCHIVELOG ALL;");
  private static final Pattern DATAFILE = Pattern.compile("^datafile (\\d{1,5})\\b.*$");

  /**
   * Where the command file points.
   *
   * @param downloads the directory the plan's pieces are downloaded into, {@code <downloads>/<backup or batch id>/}
   * @param relocation where datafiles go whose own directory is gone ({@code backup.data-directory}); none when unset
   * @param zone the database host's time zone ({@code backup.environment.TZ}); none when unset
   */
  record Places(String target, Path downloads, Optional<Path> relocation, Optional<ZoneId> zone) {}

  private RecoveryCommands() {}

  static Script script(Triage triage, StrategyDecision decision, RecoveryPlan restore, Places places) {
    boolean container = triage.checks().contains(TriageMapping.CONTAINER);
    boolean open = triage.opened();
    Script script = switch (decision.strategy()) {
      case INSTANCE_RECOVERY_ONLY -> throw new IllegalArgumentException("the database needs instance recovery only: nothing to run");
      case RESTORE_DATAFILE -> MediaRecoveryScripts.datafilesWhileOpen(numbers(triage), !open);
      case RESTORE_DATAFILE_RELOCATED -> MediaRecoveryScripts.relocated(relocations(triage, places), !open, container);
      case RESTORE_TABLESPACE -> decision.renameNeeded() ? MediaRecoveryScripts.relocated(relocations(triage, places), !open, container)
          : open ? MediaRecoveryScripts.tablespacesWhileOpen(tablespaces(triage), undoTablespace(triage))
              : MediaRecoveryScripts.datafilesWhileOpen(numbers(triage), true);
      case RESTORE_MOUNTED, RESTORE_DATABASE -> decision.renameNeeded()
          ? MediaRecoveryScripts.relocated(relocations(triage, places), true, container)
          : MediaRecoveryScripts.mounted(numbers(triage), container);
      case POINT_IN_TIME -> {
        refuseRelocation(decision, "a recovery to a point in time");
        yield MediaRecoveryScripts.incomplete(new UntilTime(point(restore), zone(places)), container);
      }
      case RESTORE_LAST_BACKUP -> {
        refuseRelocation(decision, "the restore of the last consistent backup");
        yield MediaRecoveryScripts.lastConsistentBackup(consistentBackup(restore, places, container));
      }
    };
    return script.strategy() == MediaRecoveryScripts.Strategy.LAST_CONSISTENT_BACKUP ? script : catalogued(script, places.downloads());
  }

  /** The datafile numbers of the affected files, as triage put them in {@code holds}. */
  static List<Integer> numbers(Triage triage) {
    List<Integer> numbers = new ArrayList<>();
    for (AffectedFile file : triage.files()) {
      Matcher matcher = file.holds() == null ? null : DATAFILE.matcher(file.holds());
      if (matcher == null || !matcher.matches()) {
        throw new IllegalArgumentException(file.path() + " is not named as an Oracle datafile by its number");
      }
      numbers.add(Integer.parseInt(matcher.group(1)));
    }
    return numbers;
  }

  static List<String> tablespaces(Triage triage) {
    return triage.files().stream().map(AffectedFile::tablespace).distinct().toList();
  }

  private static String undoTablespace(Triage triage) {
    return triage.files().stream().filter(file -> file.kind() == FileKind.UNDO).map(AffectedFile::tablespace).findFirst().orElse(null);
  }

  /** Every affected file into the relocation directory, under its own file name. */
  static List<Relocation> relocations(Triage triage, Places places) {
    Path directory = places.relocation().orElseThrow(() -> new IllegalArgumentException("rebound.targets." + places.target()
        + ".backup.data-directory is not set: on Oracle it is where datafiles are restored when their own directory is gone, and "
        + triage.files().stream().filter(file -> !file.locationUsable()).map(AffectedFile::path).findFirst().orElse("a file")
        + " cannot go back where it was"));
    List<Integer> numbers = numbers(triage);
    List<Relocation> relocations = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i++) {
      String path = triage.files().get(i).path();
      if (!path.startsWith("/") || path.endsWith("/")) {
        throw new IllegalArgumentException("datafile " + numbers.get(i) + " (" + path + ") has no file name to restore it under");
      }
      relocations.add(new Relocation(numbers.get(i), directory.resolve(path.substring(path.lastIndexOf('/') + 1)).toString()));
    }
    return relocations;
  }

  private static void refuseRelocation(StrategyDecision decision, String what) {
    if (decision.renameNeeded()) {
      throw new IllegalArgumentException(what + " restores every datafile where the control file places it, and the place of an"
          + " affected file is gone: recreate its directory (or restore it with a DBA's SET NEWNAME) first");
    }
  }

  private static Instant point(RecoveryPlan restore) {
    return restore.point().time().orElseThrow(() -> new IllegalArgumentException("a recovery to a point in time needs the point"));
  }

  private static ZoneId zone(Places places) {
    return places.zone().orElseThrow(() -> new IllegalArgumentException("rebound.targets." + places.target() + ".backup.environment.TZ"
        + " is not set: the database host's time zone is unknown, so the point cannot be given to RMAN. Set TZ to the host's"
        + " zone (e.g. Europe/Lisbon)"));
  }

  private static ConsistentBackup consistentBackup(RecoveryPlan restore, Places places, boolean container) {
    if (restore.backups().isEmpty()) {
      throw new IllegalArgumentException("the plan holds no backup to restore");
    }
    BackupManifest last = restore.backups().get(restore.backups().size() - 1);
    Piece controlfile = last.pieces().stream().filter(piece -> piece.name().startsWith(RmanScripts.CONTROLFILE_PREFIX)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("backup " + last.id() + " holds no control file piece ("
            + RmanScripts.CONTROLFILE_PREFIX + "...)"));
    Path piece = RmanScripts.pieceDirectory(places.downloads(), last.id()).resolve(BackupLayout.pieceName(controlfile.name()));
    // Rebound backs up only open databases in ARCHIVELOG mode (PLUS ARCHIVELOG): its backups are consistent at their end,
    // by the archived logs they hold, and not before.
    return new ConsistentBackup(last.id(), piece.toString(), Optional.of(places.downloads().toString()), restore.databaseIdentity(),
        last.endTime(), container, Optional.ofNullable(last.endPosition()));
  }

  /**
   * The downloaded pieces catalogued just before the first restore, once the database is at least mounted, then the
   * pieces and logs the control file knows crosschecked, so that RMAN takes the downloaded copies rather than trying
   * first a piece whose directory was released or a log pruned since.
   */
  static Script catalogued(Script script, Path downloads) {
    String catalog = "CATALOG START WITH '" + MediaRecoveryScripts.fileName(downloads.toString(), "download directory") + "/' NOPROMPT;";
    List<String> lines = new ArrayList<>();
    boolean added = false;
    for (String line : script.rman().split("\n")) {
      if (!added && (line.startsWith("RESTORE ") || line.equals("RUN {"))) {
        lines.add(catalog);
        lines.addAll(CROSSCHECK);
        added = true;
      }
      lines.add(line);
    }
    if (!added) {
      throw new IllegalStateException("a media recovery script without a restore: " + script.rman());
    }
    return new Script(script.strategy(), String.join("\n", lines) + "\n", script.dataLoss());
  }
}
