package io.rebound.backup.postgresql;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoredPoint;
import io.rebound.runbook.DetachedWork.Beat;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A restore of a PostgreSQL server from its backups, run as detached work and safe to run again after a crash at any
 * point: what it finished is marked in its job directory ({@code downloaded}, {@code laid-down}), the data directory it
 * replaces is kept aside under a name of the job's, and a server found running or promoted is not started again.
 */
final class PhysicalRestore {

  static final String DOWNLOADED = "downloaded";
  static final String LAID_DOWN = "laid-down";
  static final String SERVER_LOG = "server.log";

  /**
   * @param dataDirectory the server's data directory, replaced
   * @param archiveDirectory the server's archive directory: its timeline history files are offered to recovery too, so
   *     that the server opens on a timeline no earlier restore used
   */
  record Settings(Path dataDirectory, Path archiveDirectory, ServerControl server, boolean keepOldDataDirectory) {}

  private final Target destination;
  private final RecoveryPlan plan;
  private final Settings settings;
  private final ObjectStore store;
  private final Beat beat;
  private final String jobKey;
  private final Path job;

  PhysicalRestore(Target destination, RecoveryPlan plan, Settings settings, ObjectStore store, Beat beat, String jobKey) {
    this.destination = destination;
    this.plan = plan;
    this.settings = settings;
    this.store = store;
    this.beat = beat;
    this.jobKey = jobKey;
    this.job = beat.directory();
  }

  /** Where the replaced data directory is kept. */
  static Path aside(Path dataDirectory, String jobKey) {
    return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".before-" + jobKey);
  }

  /** The last backup of the plan that holds a data directory: its file list and backup_label are the restore's. */
  static BackupManifest lastBase(RecoveryPlan plan) {
    List<BackupManifest> bases = plan.backups().stream().filter(backup -> !RemoteBackups.isWalOnly(backup)).toList();
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("the plan holds no backup with a data directory to lay down");
    }
    return bases.get(bases.size() - 1);
  }

  static Path walDirectory(Path job) {
    return job.resolve("wal");
  }

  RestoredPoint run() throws IOException, SQLException {
    if (!Files.exists(job.resolve(DOWNLOADED))) {
      download();
      Files.writeString(job.resolve(DOWNLOADED), Instant.now().toString());
    }
    Path data = settings.dataDirectory();
    Path aside = aside(data, jobKey);
    if (!Files.exists(job.resolve(LAID_DOWN))) {
      if (settings.server().running()) {
        beat.progress("stopping the server on " + data);
        ServerControl.runOrFail(settings.server().stopCommand(), Duration.ofMinutes(6), log());
      }
      if (!Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
          beat.progress("keeping the old data directory as " + aside);
          Files.move(data, aside, StandardCopyOption.ATOMIC_MOVE);
        }
      } else if (Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
        // The old one is aside already: what is in its place is a lay-down a crash cut short.
        beat.progress("removing the unfinished lay-down in " + data);
        delete(data);
      }
      layDown(data);
      Files.writeString(job.resolve(LAID_DOWN), Instant.now().toString());
    }
    if (!settings.server().running()) {
      Path serverLog = job.resolve(SERVER_LOG);
      if (!Files.exists(serverLog)) {
        Files.createFile(serverLog);
      }
      chown(serverLog);
      beat.progress("starting the server to recover " + (plan.point().isLatest() ? "all shipped WAL" : "to " + plan.point()));
      ServerControl.runOrFail(settings.server().startCommand(serverLog), Duration.ofMinutes(2), log());
    }
    RestoredPoint reached = awaitPromotion();
    resetRecoverySettings();
    if (!settings.keepOldDataDirectory() && Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
      beat.progress("removing the old data directory " + aside + " (backup.keep-old-data-directory is false)");
      delete(aside);
    }
    return reached;
  }

  private Path log() {
    return job.resolve("log");
  }

  private void download() throws IOException {
    Path wal = walDirectory(job);
    for (BackupManifest backup : plan.backups()) {
      if (RemoteBackups.isWalOnly(backup)) {
        // WAL since its parent: replayed from the last base's backup_label with the shipped WAL.
        for (Piece piece : backup.pieces()) {
          fetch(piece, wal);
        }
        continue;
      }
      for (String required : List.of(BaseBackup.TAR, FileList.NAME, BaseBackup.LABEL)) {
        if (backup.pieces().stream().noneMatch(piece -> piece.name().equals(required))) {
          throw new IllegalStateException("backup " + backup.id() + " has no piece " + required + ": it is not a PostgreSQL backup"
              + " Rebound can lay down");
        }
      }
      Path directory = job.resolve("download").resolve(backup.id());
      for (Piece piece : backup.pieces()) {
        fetch(piece, directory);
      }
    }
    // Of the log batches only the pieces the plan names: the segments before the last base's start are never read.
    Set<String> planned = new HashSet<>();
    plan.pieces().forEach(piece -> planned.add(piece.key()));
    for (LogManifest batch : plan.logs()) {
      for (Piece piece : batch.pieces()) {
        if (planned.contains(piece.key())) {
          fetch(piece, wal);
        }
      }
    }
    if (settings.archiveDirectory() != null && Files.isDirectory(settings.archiveDirectory())) {
      try (DirectoryStream<Path> histories = Files.newDirectoryStream(settings.archiveDirectory(), "*.history")) {
        for (Path history : histories) {
          Path copy = wal.resolve(history.getFileName().toString());
          if (WalNames.historyTimeline(history.getFileName().toString()).isPresent() && !Files.exists(copy)) {
            Files.copy(history, copy);
          }
        }
      }
    }
    Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwx--x--x"));
    chown(wal);
  }

  private void fetch(Piece piece, Path directory) throws IOException {
    Path file = directory.resolve(io.rebound.backup.BackupLayout.pieceName(piece.name()));
    Files.createDirectories(directory);
    if (Files.exists(file) && Files.size(file) == piece.size() && BaseBackup.sha256(file, piece.size()).equals(piece.sha256())) {
      return; // downloaded and checked by an earlier run of this restore
    }
    beat.check();
    beat.progress("downloading " + piece.key() + " (" + piece.size() + " bytes)");
    store.download(piece.key(), file, piece.sha256());
  }

  /** FULL, then each INCREMENTAL, then everything checked against the last file list. */
  private void layDown(Path data) throws IOException {
    Files.createDirectories(data.getParent());
    Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    for (BackupManifest backup : plan.backups()) {
      beat.check();
      if (RemoteBackups.isWalOnly(backup)) {
        continue;
      }
      beat.progress("laying down " + backup.type() + " backup " + backup.id());
      Tar.extract(job.resolve("download").resolve(backup.id()).resolve(BaseBackup.TAR), data, (path, directory) -> beat.check());
    }
    BackupManifest last = lastBase(plan);
    Path lastDirectory = job.resolve("download").resolve(last.id());
    FileList list = FileList.read(lastDirectory.resolve(FileList.NAME));
    beat.progress("checking every file against the file list of backup " + last.id());
    conform(data, list, last.id());
    Files.copy(lastDirectory.resolve(BaseBackup.LABEL), data.resolve(BaseBackup.LABEL), StandardCopyOption.REPLACE_EXISTING);
    Path map = lastDirectory.resolve(BaseBackup.TABLESPACE_MAP);
    if (Files.exists(map)) {
      Files.copy(map, data.resolve(BaseBackup.TABLESPACE_MAP), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(data.resolve("recovery.signal"), "");
    Path autoConf = data.resolve("postgresql.auto.conf");
    String current = Files.exists(autoConf) ? Files.readString(autoConf, StandardCharsets.UTF_8) : "";
    Files.writeString(autoConf, RecoverySettings.rewrite(current, RecoverySettings.lines(walDirectory(job), plan)), StandardCharsets.UTF_8);
    chown(data);
  }

  /**
   * Makes the laid-down directory exactly what the list names: files it does not name (deleted since an earlier
   * layer) removed, its empty directories created, and every file's size and SHA-256 checked. A file that differs is
   * refused by name: such a data directory is never started.
   */
  static void conform(Path data, FileList list, String backupId) throws IOException {
    Set<String> keepDirectories = new HashSet<>(list.directories());
    for (String file : list.files().keySet()) {
      for (int slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
        keepDirectories.add(file.substring(0, slash));
      }
    }
    List<Path> present;
    try (Stream<Path> walk = Files.walk(data)) {
      present = walk.filter(path -> !path.equals(data)).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : present) {
      String relative = data.relativize(path).toString().replace('\\', '/');
      boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
      if (directory ? !keepDirectories.contains(relative) : !list.files().containsKey(relative)) {
        delete(path);
      }
    }
    for (String directory : list.directories()) {
      Files.createDirectories(data.resolve(directory));
    }
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, FileList.Entry> file : list.files().entrySet()) {
      Path path = data.resolve(file.getKey());
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        refused.add(file.getKey() + " is missing");
        continue;
      }
      long size = Files.size(path);
      if (size != file.getValue().size()) {
        refused.add(file.getKey() + " has " + size + " bytes, not " + file.getValue().size());
        continue;
      }
      String sha256 = BaseBackup.sha256(path, size);
      if (!sha256.equals(file.getValue().sha256())) {
        refused.add(file.getKey() + " has SHA-256 " + sha256 + ", not " + file.getValue().sha256());
      }
    }
    if (!refused.isEmpty()) {
      throw new IllegalStateException("the restored data directory does not match the file list of backup " + backupId
          + ", so it is not started: " + String.join("; ", refused.subList(0, Math.min(20, refused.size())))
          + (refused.size() > 20 ? " and " + (refused.size() - 20) + " more" : ""));
    }
  }

  private RestoredPoint awaitPromotion() throws IOException, SQLException {
    // Read once: it is written before the server starts and never changes while the restore waits.
    Instant laidDown = Instant.parse(Files.readString(job.resolve(LAID_DOWN)).strip());
    long polls = 0;
    boolean seenRunning = false;
    Instant since = Instant.now();
    while (true) {
      beat.check();
      Optional<RestoredPoint> reached = promoted(laidDown);
      if (reached.isPresent()) {
        beat.progress("promoted on timeline " + reached.get().timeline() + " at " + reached.get().position());
        return reached.get();
      }
      if (polls++ % 10 == 0) {
        // pg_ctl start -W returns before the server has written its pid file: it counts as stopped only once seen running.
        if (settings.server().running()) {
          seenRunning = true;
        } else if (seenRunning || Duration.between(since, Instant.now()).compareTo(Duration.ofSeconds(60)) > 0) {
          throw new IllegalStateException("the server stopped while recovering; its log ends: " + tail(job.resolve(SERVER_LOG)));
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the server recovers", e);
      }
    }
  }

  private Optional<RestoredPoint> promoted(Instant laidDown) {
    try (Connection session = destination.connect(); Statement statement = session.createStatement()) {
      try (ResultSet started = statement.executeQuery("SELECT to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC',"
          + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
        started.next();
        Instant serverStart = Instant.parse(started.getString(1));
        if (serverStart.isBefore(laidDown)) {
          // The server answering is not the one started on what was laid down: the old one was never stopped.
          throw new IllegalStateException("the server answering for " + destination.name() + " started at " + serverStart
              + ", before the data directory was laid down at " + laidDown + ": the old server still runs; stop it, then retry");
        }
      }
      try (ResultSet recovery = statement.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
        recovery.next();
        if (recovery.getBoolean(1)) {
          beat.progress("recovering: replayed up to " + recovery.getString(2));
          return Optional.empty();
        }
      }
      try (ResultSet row = statement.executeQuery("SELECT pg_last_wal_replay_lsn()::text,"
          + " to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
          + " substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
        row.next();
        String position = row.getString(1);
        String time = row.getString(2);
        long timeline = Long.parseLong(row.getString(3), 16);
        BackupManifest last = lastBase(plan);
        String summary = "Laid down " + plan.backups().stream().map(backup -> backup.type() + " " + backup.id()).toList()
            + ", replayed shipped WAL " + (plan.point().isLatest() ? "to its end" : "up to " + plan.point()) + " from " + last.startPosition()
            + " to " + position + " and opened on timeline " + timeline + ".";
        return Optional.of(new RestoredPoint(timeline, position, time == null ? null : Instant.parse(time), summary));
      }
    } catch (SQLException e) {
      return Optional.empty(); // not accepting connections yet
    }
  }

  /** The restore's settings leave {@code postgresql.auto.conf} once the server is promoted; the next backup holds none. */
  private void resetRecoverySettings() throws SQLException {
    try (Connection session = destination.connect(); Statement statement = session.createStatement()) {
      for (String setting : RecoverySettings.OWNED) {
        statement.execute("ALTER SYSTEM RESET " + setting);
      }
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  private void chown(Path path) throws IOException {
    if (settings.server().needsChown()) {
      ServerControl.runOrFail(settings.server().chownCommand(path), Duration.ofMinutes(30), log());
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(" + file + " cannot be read: " + e.getMessage() + ")";
    }
  }

  static void delete(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(each);
        }
      }
    } else {
      Files.deleteIfExists(path);
    }
  }
}
