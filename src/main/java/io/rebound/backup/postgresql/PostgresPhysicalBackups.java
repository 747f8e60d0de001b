package io.rebound.backup.postgresql;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.backup.BackupLayout;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.config.ReboundProperties;
import io.rebound.restore.postgresql.PostgresClient;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedProcess.Status;
import io.rebound.runbook.DetachedWork;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link PhysicalBackups} for PostgreSQL. Each job is {@link DetachedWork} in {@code <backup work directory>/<job
 * key>}: a backup holds its session (and so the server's backup mode) in the thread doing the copy; a node that dies
 * ends the session, PostgreSQL ends the backup mode, and the job is taken again from the start by the next call once
 * its heartbeat is stale, into the same job directory, so one job never yields two backups.
 */
@Component
public class PostgresPhysicalBackups implements PhysicalBackups {

  static final String PIECES = "pieces";
  private static final String JOB_KEY_SHOWN = "job-key-of-the-run";
  /** How long an INCREMENTAL of WAL waits for the archive to receive the segment it closed. */
  private static final Duration ARCHIVE_WAIT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path nodeWorkDirectory;
  private final DetachedJobs jobs;
  private final Supplier<ObjectStore> store;

  @Autowired
  PostgresPhysicalBackups(ReboundProperties properties, DetachedJobs jobs, ObjectProvider<ObjectStore> store) {
    this(properties.workDirectory(), jobs, store::getIfAvailable);
  }

  PostgresPhysicalBackups(Path nodeWorkDirectory, DetachedJobs jobs, Supplier<ObjectStore> store) {
    this.nodeWorkDirectory = nodeWorkDirectory;
    this.jobs = jobs;
    this.store = store;
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  /** The job directory of a key, under the target's backup work directory. */
  Path jobDirectory(Target target, String jobKey) {
    return workDirectory(target).resolve(BackupLayout.pieceName(jobKey));
  }

  private Path workDirectory(Target target) {
    return target.properties().backup().workDirectory(nodeWorkDirectory, target.name()).toAbsolutePath().normalize();
  }

  // ---------------------------------------------------------------- backups

  @Override
  public PhysicalJob<TakenBackup> backup(Target target, BackupRequest request) {
    TargetProperties.Backup settings = settings(target);
    if (settings.method() == TargetProperties.Backup.Method.PG_BASEBACKUP) {
      return remoteBackup(target, settings, request);
    }
    if (settings.dataDirectory() == null) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup.data-directory is not set: a low-level backup"
          + " reads the data directory; set it, or set backup.method: pg_basebackup to back up over the replication protocol");
    }
    Path dataDirectory = settings.dataDirectory();
    JobRunner job = job(target, request.jobKey());
    JobStatus status = job.startOrAttach(new JobRunner.InJvm(beat -> {
      Path pieces = beat.directory().resolve(PIECES);
      PhysicalRestore.delete(pieces); // what an earlier, interrupted run of this job left: its backup never finished
      Files.createDirectories(pieces);
      FileList parent = null;
      if (request.type() == BackupType.INCREMENTAL) {
        parent = parentFiles(request.parent(), beat.directory());
      }
      BaseBackup.Taken taken;
      try (Connection session = target.connect()) {
        if (parent != null) {
          String identity = BaseBackup.check(session, dataDirectory);
          if (!identity.equals(request.parent().databaseIdentity())) {
            throw new IllegalStateException("backup " + request.parent().id() + " is of database " + request.parent().databaseIdentity()
                + ", not of this server (" + identity + "): an INCREMENTAL over it would mix two databases");
          }
          long timeline = Long.parseLong(BaseBackup.query(session, "SELECT timeline_id::text FROM pg_control_checkpoint()"));
          if (timeline != request.parent().timeline()) {
            throw new IllegalStateException("the server is on timeline " + timeline + " since backup " + request.parent().id()
                + " (timeline " + request.parent().timeline() + ") was taken: take a FULL backup");
          }
        }
        taken = BaseBackup.take(session, dataDirectory, pieces, "rebound " + request.backupId(), parent, beat);
      }
      if (parent != null && taken.timeline() != request.parent().timeline()) {
        throw new IllegalStateException("the server is on timeline " + taken.timeline() + " since backup " + request.parent().id()
            + " (timeline " + request.parent().timeline() + ") was taken: take a FULL backup");
      }
      BackupManifest manifest = new BackupManifest(request.backupId(), target.name(), Dialect.POSTGRESQL, request.type(),
          request.parent() == null ? null : request.parent().id(), taken.timeline(), taken.systemIdentifier(), taken.startTime(),
          taken.endTime(), taken.startPosition(), taken.endPosition(), List.of());
      return JSON.writeValueAsString(new TakenJson(manifest, taken.pieces().stream().map(Path::toString).toList()));
    }));
    return PhysicalJob.of(status, PostgresPhysicalBackups::taken);
  }

  record TakenJson(BackupManifest manifest, List<String> files) {}

  /** {@code backup.method: pg_basebackup}: a job like the low-level one's, its work done by {@link RemoteBackups}. */
  private PhysicalJob<TakenBackup> remoteBackup(Target target, TargetProperties.Backup settings, BackupRequest request) {
    RemoteBackups remote = new RemoteBackups(target, settings, program(target, "pg_basebackup"), jobs.host(), ARCHIVE_WAIT);
    JobRunner job = job(target, request.jobKey());
    if (job.look().needsStart()) {
      try {
        remote.checkBeforeStart(request);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot check target " + target.name() + " before its backup: " + e.getMessage(), e);
      }
    }
    JobStatus status = job.startOrAttach(new JobRunner.InJvm(beat -> {
      TakenBackup taken = remote.take(request, beat);
      return JSON.writeValueAsString(new TakenJson(taken.manifest(), taken.files().stream().map(Path::toString).toList()));
    }));
    return PhysicalJob.of(status, PostgresPhysicalBackups::taken);
  }

  private static TakenBackup taken(String text) throws IOException {
    TakenJson taken = JSON.readValue(text, TakenJson.class);
    return new TakenBackup(taken.manifest(), taken.files().stream().map(Path::of).toList());
  }

  private FileList parentFiles(BackupManifest parent, Path job) throws IOException {
    Piece list = parent.pieces().stream().filter(piece -> piece.name().equals(FileList.NAME)).findFirst()
        .orElseThrow(() -> new IllegalStateException("backup " + parent.id() + " has no " + FileList.NAME
            + ": it is not a PostgreSQL backup an INCREMENTAL can build on"));
    Path file = job.resolve("parent-" + FileList.NAME);
    objectStore().download(list.key(), file, list.sha256());
    return FileList.read(file);
  }

  // ---------------------------------------------------------------- WAL

  @Override
  public PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request) {
    TargetProperties.Backup settings = settings(target);
    Path archive = required(target, "archive-directory", settings.archiveDirectory());
    Path waldump = program(target, "pg_waldump");
    JobRunner job = job(target, request.jobKey());
    JobStatus status = job.startOrAttach(new JobRunner.InJvm(beat -> {
      WalArchive.Contents contents = WalArchive.read(archive);
      WalBatch.Selection selection = WalBatch.select(contents.segments(), contents.histories(), request.shipped(), contents.segmentSize());
      if (selection.segments().isEmpty()) {
        return JSON.writeValueAsString(new CollectedJson(null, List.of(), selection.gaps()));
      }
      WalTimes.Span span = WalTimes.NONE;
      // Each segment's last transaction end: a restore to a point leaves out the segments recovery never reads.
      Map<String, Instant> transactionEnds = new TreeMap<>();
      for (WalBatch.Archived segment : selection.segments()) {
        beat.check();
        String name = segment.segment().name();
        WalTimes.Span times = WalArchive.times(waldump, archive.resolve(name), beat.directory().resolve("log"));
        if (!times.isEmpty()) {
          transactionEnds.put(name, times.last());
        }
        span = span.with(times);
      }
      Optional<LogManifest> previous = WalBatch.last(request.shipped(), selection.databaseIdentity(), selection.timeline());
      Instant fallback = previous.map(LogManifest::endTime)
          .orElseGet(() -> WalArchive.modified(archive.resolve(selection.segments().get(0).segment().name())));
      Instant start = span.isEmpty() ? fallback : span.first();
      Instant end = span.isEmpty() ? fallback : span.last();
      LogManifest batch = new LogManifest(request.batchId(), target.name(), Dialect.POSTGRESQL, selection.timeline(),
          selection.databaseIdentity(), start, end, WalNames.lsn(selection.start()), WalNames.lsn(selection.end()), List.of(),
          transactionEnds);
      List<String> files = new ArrayList<>();
      selection.histories().forEach(name -> files.add(archive.resolve(name).toString()));
      selection.segments().forEach(segment -> files.add(archive.resolve(segment.segment().name()).toString()));
      beat.progress("collected " + selection.segments().size() + " segments of timeline " + selection.timeline() + " from "
          + batch.startPosition() + " to " + batch.endPosition());
      return JSON.writeValueAsString(new CollectedJson(batch, files, selection.gaps()));
    }));
    return PhysicalJob.of(status, text -> {
      CollectedJson collected = JSON.readValue(text, CollectedJson.class);
      return new CollectedLogs(Optional.ofNullable(collected.batch()), collected.files().stream().map(Path::of).toList(),
          collected.gaps());
    });
  }

  record CollectedJson(LogManifest batch, List<String> files, List<String> gaps) {}

  @Override
  public List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now) {
    TargetProperties.Backup settings = settings(target);
    Path archive = required(target, "archive-directory", settings.archiveDirectory());
    Instant cutoff = now.minus(settings.localArchiveRetention());
    Map<String, Piece> inBucket = new HashMap<>();
    for (LogManifest batch : shipped) {
      batch.pieces().forEach(piece -> inBucket.put(piece.name(), piece));
    }
    List<String> deleted = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(archive)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        Piece piece = inBucket.get(name);
        if (piece == null || !Files.isRegularFile(file) || !WalArchive.modified(file).isBefore(cutoff)) {
          continue;
        }
        // Only the very bytes the bucket holds: a file archived again under the same name since is kept.
        if (Files.size(file) == piece.size() && BaseBackup.sha256(file, piece.size()).equals(piece.sha256())) {
          Files.delete(file);
          deleted.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prune " + archive, e);
    }
    deleted.sort(null);
    return deleted;
  }

  // ---------------------------------------------------------------- restores

  @Override
  public List<String> restoreActions(Target destination, RecoveryPlan plan) {
    RestoreContext context = restoreContext(destination, plan);
    TargetProperties.Backup settings = settings(destination);
    List<String> actions = new ArrayList<>();
    // The job key is the run's; the plan shows where it goes, the same for every run of the same plan.
    Path job = workDirectory(destination).resolve(JOB_KEY_SHOWN);
    actions.add("download " + plan.pieces().size() + " pieces (" + plan.totalBytes() + " bytes) into "
        + job.toString().replace(JOB_KEY_SHOWN, "<job key>") + ", each checked against its SHA-256 in the manifest");
    actions.add(String.join(" ", context.server().stopCommand()) + "   (only if the server runs)");
    actions.add("mv " + settings.dataDirectory() + " " + PhysicalRestore.aside(settings.dataDirectory(), "<job key>")
        + (settings.keepOldDataDirectory() ? "   (kept until a DBA removes it)" : "   (removed once the server is promoted)"));
    for (BackupManifest backup : plan.backups()) {
      actions.add((RemoteBackups.isWalOnly(backup) ? "replay the WAL of " : "lay down ") + backup.type() + " backup " + backup.id()
          + " (" + backup.startPosition() + " to " + backup.endPosition() + ", timeline " + backup.timeline() + ")"
          + (RemoteBackups.isWalOnly(backup) ? ", " + backup.pieces().size() + " segments put with the downloaded WAL"
          : " into " + settings.dataDirectory()));
    }
    BackupManifest last = PhysicalRestore.lastBase(plan);
    actions.add("check every file against the file list of backup " + last.id() + " (size and SHA-256) and remove files it does not"
        + " list; refuse to start on any difference");
    actions.add("write backup_label of backup " + last.id() + ", recovery.signal, and in postgresql.auto.conf: "
        + String.join("; ", RecoverySettings.lines(PhysicalRestore.walDirectory(job), plan)).replace(JOB_KEY_SHOWN, "<job key>"));
    if (context.server().needsChown()) {
      actions.add(String.join(" ", context.server().chownCommand(settings.dataDirectory())));
    }
    actions.add(String.join(" ", context.server().startCommand(job.resolve(PhysicalRestore.SERVER_LOG))).replace(JOB_KEY_SHOWN,
        "<job key>"));
    actions.add("wait until the server is promoted (pg_is_in_recovery() false), report pg_last_wal_replay_lsn() and the timeline,"
        + " then ALTER SYSTEM RESET the recovery settings");
    return List.copyOf(actions);
  }

  private record RestoreContext(ServerControl server) {}

  private RestoreContext restoreContext(Target destination, RecoveryPlan plan) {
    if (plan.dialect() != Dialect.POSTGRESQL || destination.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("a PostgreSQL restore needs a plan of PostgreSQL backups and a PostgreSQL destination");
    }
    if (plan.backups().isEmpty()) {
      throw new IllegalArgumentException("the plan holds no backup to lay down");
    }
    TargetProperties.Backup settings = settings(destination);
    Path data = required(destination, "data-directory", settings.dataDirectory());
    String currentUser = System.getProperty("user.name");
    if (settings.osUser() != null && !settings.osUser().equals(currentUser) && !"root".equals(currentUser)) {
      throw new IllegalArgumentException("rebound.targets." + destination.name() + ".backup.os-user is " + settings.osUser()
          + " but Rebound runs as " + currentUser + ": a restore lays down files the server must own, so Rebound must run as "
          + settings.osUser() + " or as root");
    }
    return new RestoreContext(new ServerControl(binDirectory(destination), data, settings.osUser(), currentUser));
  }

  @Override
  public PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request) {
    RestoreContext context = restoreContext(destination, request.plan());
    TargetProperties.Backup settings = settings(destination);
    ObjectStore objects = objectStore();
    JobRunner job = job(destination, request.jobKey());
    JobStatus status = job.startOrAttach(new JobRunner.InJvm(beat -> {
      PhysicalRestore restore = new PhysicalRestore(destination, request.plan(), new PhysicalRestore.Settings(settings.dataDirectory(),
          settings.archiveDirectory(), context.server(), settings.keepOldDataDirectory()), objects, beat, request.jobKey());
      return JSON.writeValueAsString(restore.run());
    }));
    return PhysicalJob.of(status, PostgresPhysicalBackups::reached);
  }

  private static RestoredPoint reached(String text) throws IOException {
    return JSON.readValue(text, RestoredPoint.class);
  }

  // ---------------------------------------------------------------- jobs

  @Override
  public PhysicalJob<Void> look(Target target, String jobKey) {
    return PhysicalJob.of(job(target, jobKey).look(), text -> null);
  }

  @Override
  public PhysicalJob<TakenBackup> lookAtBackup(Target target, String jobKey) {
    settings(target);
    return PhysicalJob.of(job(target, jobKey).look(), PostgresPhysicalBackups::taken);
  }

  @Override
  public PhysicalJob<RestoredPoint> lookAtRestore(Target destination, String jobKey) {
    settings(destination);
    return PhysicalJob.of(job(destination, jobKey).look(), PostgresPhysicalBackups::reached);
  }

  @Override
  public void release(Target target, String jobKey) {
    Path job = jobDirectory(target, jobKey);
    try {
      PhysicalRestore.delete(job.resolve(PIECES));
      PhysicalRestore.delete(job.resolve("download"));
      PhysicalRestore.delete(job.resolve(PhysicalRestore.walDirectory(job).getFileName().toString()));
      Files.deleteIfExists(job.resolve("parent-" + FileList.NAME));
      PhysicalRestore.delete(job.resolve(RemoteBackups.OUTPUT));
      Files.deleteIfExists(job.resolve(RemoteBackups.RUN).resolve(RemoteBackups.PASSWORD_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + job, e);
    }
  }

  @Override
  public void discard(Target target, String jobKey) {
    JobRunner job = job(target, jobKey);
    Status status = job.look().status();
    if (status == Status.FAILED) {
      job.moveAside();
    } else if (status != Status.NOT_STARTED) {
      throw new IllegalStateException("job " + jobKey + " of target " + target.name() + " has not failed (" + status
          + "): only a failed job is moved aside");
    }
  }

  private JobRunner job(Target target, String jobKey) {
    return JobRunner.of(jobs.work(jobDirectory(target, jobKey)));
  }

  // ---------------------------------------------------------------- settings

  private static TargetProperties.Backup settings(Target target) {
    if (target.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("target " + target.name() + " is not a PostgreSQL target");
    }
    return target.properties().backup();
  }

  private static Path required(Target target, String setting, Path value) {
    if (value == null) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup." + setting + " is not set: PostgreSQL physical"
          + " backups and restores need it");
    }
    return value;
  }

  private ObjectStore objectStore() {
    ObjectStore objects = store.get();
    if (objects == null) {
      throw new IllegalStateException("no bucket is configured (rebound.storage.s3.bucket): backups cannot be read");
    }
    return objects;
  }

  private static Path binDirectory(Target target) {
    return target.properties().binDirectory() != null ? target.properties().binDirectory() : PostgresClient.discoverBinDirectory();
  }

  private static Path program(Target target, String name) {
    Path bin = binDirectory(target);
    return bin == null ? Path.of(name) : bin.resolve(name);
  }
}
