package io.rebound.backup.oracle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.backup.BackupLayout;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.Manifest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.Positions;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.backup.oracle.OracleBackupQueries.Destination;
import io.rebound.backup.oracle.OracleBackupQueries.PieceRow;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.backup.oracle.OracleManifests.LogBatch;
import io.rebound.backup.oracle.OracleManifests.LogKey;
import io.rebound.backup.oracle.RmanScripts.ArchivelogDeletion;
import io.rebound.backup.oracle.RmanScripts.LogShipment;
import io.rebound.backup.oracle.RmanScripts.Restore;
import io.rebound.backup.oracle.RmanScripts.SequenceRange;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.DetachedWork;
import io.rebound.runbook.DetachedWork.Beat;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link PhysicalBackups} for Oracle, with RMAN. Each job is {@link DetachedWork} in {@code <backup work
 * directory>/<job key>}: it reads what it needs from the dictionary, keeps what it decided in the job directory
 * ({@code prepared.json}: the SCN a backup starts from, the logs a batch holds; {@code rman/rman.cmd}: the command file
 * of a restore), and runs RMAN as a command's job in {@code <job>/rman} ({@link RmanJobs}). Both are started and looked
 * at through a {@link JobRunner}. RMAN outlives the node that started it: a job whose node died is taken again by the
 * next call and attaches to the RMAN that still runs, or reads how it ended, with the very command file it was started
 * with. An RMAN that vanished without an exit code fails the job rather than running a backup or a restore a second
 * time into the same directory (see {@link RmanJobs} for why and what runs it again).
 *
 * <p>Pieces are written to {@code <job>/pieces/<backup or batch id>/}, created before RMAN runs; a restore downloads
 * them to {@code <job>/download/<backup or batch id>/<piece>}, each checked against its manifest's SHA-256, and
 * catalogs that directory. The database host writes and reads these paths: the backup work directory is one both
 * see under the same name.
 *
 * <p>Times handed to RMAN are in the database host's zone: the region in the target's {@code backup.environment.TZ}
 * when set, otherwise the offset the database reports. A restore to a point in time of a destination that does not
 * answer and has no {@code TZ} is refused, since nothing would say what clock the point is on.
 */
@Component
public class OraclePhysicalBackups implements PhysicalBackups {

  static final String PIECES = "pieces";
  static final String DOWNLOAD = "download";
  static final String RMAN = "rman";
  static final String PREPARED = "prepared.json";
  static final String DOWNLOADED = "downloaded";
  static final String PRUNE_PREFIX = "prune-";
  /** How long pruning waits for its RMAN: it deletes a few files, and a step must end well within its job lock. */
  static final Duration PRUNE_LIMIT = Duration.ofSeconds(90);
  private static final String JOB_KEY_SHOWN = "job-key-of-the-run";
  /** How the plan shows the run's job key. */
  private static final String SHOWN_KEY = "<job key>";
  /** How the plan shows each line of an RMAN script. */
  private static final String SCRIPT_LINE = "RMAN> ";
  private static final Logger LOG = LoggerFactory.getLogger(OraclePhysicalBackups.class);
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path nodeWorkDirectory;
  private final DetachedJobs jobs;
  private final Supplier<ObjectStore> store;
  private final OracleDictionary dictionary;
  private final RmanJobs rman;

  @Autowired
  OraclePhysicalBackups(ReboundProperties properties, DetachedJobs jobs, ObjectProvider<ObjectStore> store) {
    this(properties.workDirectory(), jobs, store::getIfAvailable, new JdbcOracleDictionary(), Duration.ofSeconds(2));
  }

  OraclePhysicalBackups(Path nodeWorkDirectory, DetachedJobs jobs, Supplier<ObjectStore> store, OracleDictionary dictionary,
      Duration pollInterval) {
    this.nodeWorkDirectory = nodeWorkDirectory;
    this.jobs = jobs;
    this.store = store;
    this.dictionary = dictionary;
    this.rman = new RmanJobs(jobs.host(), pollInterval);
  }

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  /** The job directory of a key, under the target's backup work directory. */
  Path jobDirectory(Target target, String jobKey) {
    return workDirectory(target).resolve(BackupLayout.pieceName(jobKey));
  }

  private Path workDirectory(Target target) {
    Path directory = settings(target).workDirectory(nodeWorkDirectory, target.name()).toAbsolutePath().normalize();
    return RmanScripts.path(directory, "rebound.targets." + target.name() + ".backup.work-directory");
  }

  // ---------------------------------------------------------------- backups

  /** What a backup decided before RMAN ran, kept so that a job taken again runs the same command file. */
  record PreparedBackup(Identity identity) {}

  /** A {@link DatabaseIdentity} as the job directory keeps it. */
  record Identity(String dbid, String name, String currentScn, String logMode, long incarnation, String zone, boolean spfile) {
    static Identity of(DatabaseIdentity identity) {
      return new Identity(identity.dbid(), identity.name(), identity.currentScn(), identity.logMode(), identity.incarnation(),
          identity.zone().getId(), identity.spfile());
    }

    DatabaseIdentity identity() {
      return new DatabaseIdentity(dbid, name, currentScn, logMode, incarnation, ZoneId.of(zone), spfile);
    }
  }

  record TakenJson(BackupManifest manifest, List<String> files) {}

  @Override
  public PhysicalJob<TakenBackup> backup(Target target, BackupRequest request) {
    settings(target);
    JobStatus status = job(target, request.jobKey()).startOrAttach(new JobRunner.InJvm(beat -> {
      Path job = beat.directory();
      PreparedBackup prepared = prepared(job, PreparedBackup.class, () -> new PreparedBackup(Identity.of(checkBackup(target, request))));
      DatabaseIdentity identity = prepared.identity().identity();
      Path pieces = RmanScripts.pieceDirectory(job.resolve(PIECES), request.backupId());
      Files.createDirectories(pieces);
      String tag = RmanScripts.tag(request.backupId());
      String script = RmanScripts.backup(new RmanScripts.Backup(request.backupId(), request.type(), job.resolve(PIECES),
          target.properties().parallelism(), RmanScripts.DEFAULT_SECTION_SIZE_MEGABYTES, identity.currentScn(), identity.spfile()));
      rman.run(target, job.resolve(RMAN), script, beat, request.type() + " backup " + request.backupId());
      List<Path> files = pieceFiles(target, tag, pieces, identity.zone());
      BackupRange range = dictionary.range(target, tag, identity.currentScn());
      BackupManifest manifest = OracleManifests.backup(request.backupId(), target.name(), request.type(),
          request.parent() == null ? null : request.parent().id(), identity, range, List.of());
      beat.progress("backup " + request.backupId() + " taken: " + files.size() + " pieces, SCN " + manifest.startPosition() + " to "
          + manifest.endPosition());
      return JSON.writeValueAsString(new TakenJson(manifest, files.stream().map(Path::toString).toList()));
    }));
    return PhysicalJob.of(status, OraclePhysicalBackups::taken);
  }

  private static TakenBackup taken(String text) throws IOException {
    TakenJson taken = JSON.readValue(text, TakenJson.class);
    return new TakenBackup(taken.manifest(), taken.files().stream().map(Path::of).toList());
  }

  /**
   * The database's identity before a backup, its current SCN the point the backup's archived logs start from. An
   * INCREMENTAL is refused over a parent of another database or incarnation, and when a level 0 or 1 backup taken by
   * something else since the parent would make a differential level 1 miss blocks.
   */
  private DatabaseIdentity checkBackup(Target target, BackupRequest request) throws SQLException {
    DatabaseIdentity identity = dictionary.identity(target, configuredZone(target));
    if (request.type() != BackupType.INCREMENTAL) {
      return identity;
    }
    BackupManifest parent = request.parent();
    if (parent.dialect() != Dialect.ORACLE || !identity.dbid().equals(parent.databaseIdentity())) {
      throw new IllegalStateException("backup " + parent.id() + " is of database " + parent.databaseIdentity() + ", not of this one"
          + " (DBID " + identity.dbid() + "): an INCREMENTAL over it would mix two databases; take a FULL backup");
    }
    if (identity.incarnation() != parent.timeline()) {
      throw new IllegalStateException("the database is in incarnation " + identity.incarnation() + " since backup " + parent.id()
          + " (incarnation " + parent.timeline() + ") was taken: take a FULL backup");
    }
    Optional<String> refusal = OracleBackupQueries.foreignIncrementalsRefusal(parent.id(),
        dictionary.foreignIncrementals(target, RmanScripts.tag(parent.id()), RmanScripts.tag(request.backupId())));
    if (refusal.isPresent()) {
      throw new IllegalStateException(refusal.get());
    }
    return identity;
  }

  /**
   * The files of the pieces the control file records under {@code tag} inside {@code directory}. A piece recorded
   * elsewhere under the same tag (an earlier attempt of the job, moved aside when it failed) is not this job's.
   */
  private List<Path> pieceFiles(Target target, String tag, Path directory, ZoneId zone) throws SQLException {
    List<Path> files = new ArrayList<>();
    for (PieceRow row : dictionary.pieces(target, tag, zone)) {
      Path handle = Path.of(row.handle()).normalize();
      if (!handle.startsWith(directory)) {
        continue;
      }
      if (!Files.isRegularFile(handle)) {
        throw new IllegalStateException("the control file records piece " + handle + " under tag " + tag + " but no such file is in "
            + directory + ": the database host writes somewhere Rebound does not read (the backup work directory must be the same"
            + " path on both)");
      }
      BackupLayout.pieceName(handle.getFileName().toString());
      files.add(handle);
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("the control file records no piece under tag " + tag + " in " + directory
          + ": RMAN wrote nothing there");
    }
    return files;
  }

  // ---------------------------------------------------------------- archived logs

  /** What a log collection decided before RMAN ran: the batch, or none when nothing new was archived. */
  record PreparedLogs(Identity identity, LogBatch batch) {}

  record CollectedJson(LogManifest batch, List<String> files) {}

  @Override
  public PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request) {
    settings(target);
    JobStatus status = job(target, request.jobKey()).startOrAttach(new JobRunner.InJvm(beat -> {
      Path job = beat.directory();
      PreparedLogs prepared = prepared(job, PreparedLogs.class, () -> prepareLogs(target, request.shipped()));
      if (prepared.batch() == null) {
        beat.progress("nothing archived since the last batch shipped");
        return JSON.writeValueAsString(new CollectedJson(null, List.of()));
      }
      DatabaseIdentity identity = prepared.identity().identity();
      Path pieces = RmanScripts.pieceDirectory(job.resolve(PIECES), request.batchId());
      Files.createDirectories(pieces);
      LogBatch batch = prepared.batch();
      rman.run(target, job.resolve(RMAN), RmanScripts.shipLogs(new LogShipment(request.batchId(), job.resolve(PIECES),
          target.properties().parallelism(), batch.sequences())), beat, "archived logs " + describe(batch.sequences()));
      List<Path> files = pieceFiles(target, RmanScripts.tag(request.batchId()), pieces, identity.zone());
      LogManifest manifest = OracleManifests.logs(request.batchId(), target.name(), identity, batch, List.of());
      beat.progress("collected archived logs " + describe(batch.sequences()) + ", SCN " + batch.startScn() + " to " + batch.endScn());
      return JSON.writeValueAsString(new CollectedJson(manifest, files.stream().map(Path::toString).toList()));
    }));
    return PhysicalJob.of(status, text -> {
      CollectedJson collected = JSON.readValue(text, CollectedJson.class);
      return new CollectedLogs(Optional.ofNullable(collected.batch()), collected.files().stream().map(Path::of).toList(), List.of());
    });
  }

  /**
   * The batch to ship: the current logs of every thread archived first, then every archived log whose redo reaches
   * past the end of the last batch shipped of this database and incarnation. The first batch of an incarnation starts
   * where every thread's archived redo on disk does.
   */
  private PreparedLogs prepareLogs(Target target, List<LogManifest> shipped) throws SQLException {
    DatabaseIdentity identity = dictionary.identity(target, configuredZone(target));
    dictionary.switchLogs(target);
    Set<Integer> threads = dictionary.openThreads(target);
    Optional<String> lastEnd = lastShippedEnd(shipped, identity);
    List<ArchivedLog> logs = dictionary.logsToShip(target, lastEnd.orElse("0"));
    if (logs.isEmpty()) {
      return new PreparedLogs(Identity.of(identity), null);
    }
    String from = lastEnd.orElseGet(() -> firstCommonScn(logs));
    BigInteger start = new BigInteger(from);
    List<ArchivedLog> reaching = logs.stream().filter(log -> new BigInteger(log.nextScn()).compareTo(start) > 0).toList();
    return new PreparedLogs(Identity.of(identity), OracleManifests.batch(reaching, threads, from, identity.zone()));
  }

  /** The end of the newest batch shipped of this database and incarnation. */
  static Optional<String> lastShippedEnd(List<LogManifest> shipped, DatabaseIdentity identity) {
    return shipped.stream().filter(batch -> sameIncarnation(batch, identity)).map(LogManifest::endPosition)
        .max(Positions.order(Dialect.ORACLE));
  }

  /** The lowest SCN from which every thread's archived redo on disk is complete: the highest of their first SCNs. */
  static String firstCommonScn(List<ArchivedLog> logs) {
    Map<Integer, BigInteger> firstByThread = new HashMap<>();
    for (ArchivedLog log : logs) {
      firstByThread.merge(log.thread(), new BigInteger(log.firstScn()), BigInteger::min);
    }
    return firstByThread.values().stream().max(Comparator.naturalOrder()).orElseThrow().toString();
  }

  private static boolean sameIncarnation(Manifest manifest, DatabaseIdentity identity) {
    return manifest.dialect() == Dialect.ORACLE && identity.dbid().equals(manifest.databaseIdentity())
        && manifest.timeline() == identity.incarnation();
  }

  private static String describe(List<SequenceRange> ranges) {
    return ranges.stream().map(range -> "thread " + range.thread() + " sequence " + range.first()
        + (range.last() == range.first() ? "" : " to " + range.last())).collect(Collectors.joining(", "));
  }

  @Override
  public List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now) {
    TargetProperties.Backup settings = settings(target);
    Instant cutoff = now.minus(settings.localArchiveRetention());
    try {
      DatabaseIdentity identity = dictionary.identity(target, configuredZone(target));
      List<ArchivedLog> local = dictionary.logsCompletedBefore(target, cutoff, identity.zone());
      Set<LogKey> inBucket = local.stream().filter(log -> shippedIn(log, shipped, identity))
          .map(log -> new LogKey(log.thread(), log.sequence())).collect(Collectors.toSet());
      List<SequenceRange> ranges = OracleManifests.deletable(local, inBucket, cutoff, identity.zone());
      if (ranges.isEmpty()) {
        return List.of();
      }
      Set<String> chosen = local.stream().filter(log -> inBucket.contains(new LogKey(log.thread(), log.sequence())))
          .map(ArchivedLog::name).collect(Collectors.toCollection(LinkedHashSet::new));
      Path job = workDirectory(target).resolve(PRUNE_PREFIX + now.toEpochMilli());
      RmanLog log = rman.runWithin(target, job, RmanScripts.deleteArchivelogs(new ArchivelogDeletion(ranges, cutoff, identity.zone())),
          PRUNE_LIMIT);
      log.warnings().forEach(warning -> LOG.warn("target {}: RMAN kept an archived log: {}", target.name(), warning));
      List<String> deleted = new ArrayList<>(RmanLog.deletedArchivedLogs(Files.readAllLines(job.resolve(RmanInvocation.LOG_FILE))));
      deleted.stream().filter(name -> !chosen.contains(name))
          .forEach(name -> LOG.warn("target {}: RMAN deleted {}, which is not among the shipped logs chosen", target.name(), name));
      deleteRecursively(job);
      deleted.sort(null);
      return deleted;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the archived logs of " + target.name() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while RMAN deleted archived logs of " + target.name(), e);
    }
  }

  /**
   * Whether a batch in the catalog holds the log: every log whose redo ends after a batch's start and no later than
   * its end was in that batch (a batch holds each thread's logs from its start up to at least its end).
   */
  static boolean shippedIn(ArchivedLog log, List<LogManifest> shipped, DatabaseIdentity identity) {
    BigInteger next = new BigInteger(log.nextScn());
    return shipped.stream().filter(batch -> sameIncarnation(batch, identity)).anyMatch(batch ->
        next.compareTo(new BigInteger(batch.startPosition())) > 0 && next.compareTo(new BigInteger(batch.endPosition())) <= 0);
  }

  // ---------------------------------------------------------------- restores

  /**
   * A restore's command file and why it takes the control file it takes.
   *
   * @param container whether the destination said it is a container database; none when it did not answer
   */
  record RestoreScript(String text, String controlfile, Optional<Boolean> container) {}

  @Override
  public List<String> restoreActions(Target destination, RecoveryPlan plan) {
    checkPlan(destination, plan);
    // The job key is the run's; the plan shows where it goes, the same for every run of the same plan.
    Path job = workDirectory(destination).resolve(JOB_KEY_SHOWN);
    RestoreScript script = restoreScript(destination, plan, job.resolve(DOWNLOAD));
    List<String> settingsLines = settingsLines(destination, plan);
    List<String> actions = new ArrayList<>();
    actions.add(settingsLines.get(0));
    actions.add(script.controlfile());
    actions.addAll(settingsLines.subList(1, settingsLines.size()));
    script.text().lines().forEach(line -> actions.add(SCRIPT_LINE + line));
    if (script.container().isEmpty()) {
      actions.add("then, over JDBC, if it is a container database: " + OracleBackupQueries.OPEN_PLUGGABLES);
    }
    actions.add("check over JDBC: open READ WRITE in a new incarnation (the backups are of incarnation " + plan.timeline()
        + "), no datafile left in V$RECOVER_FILE");
    return actions.stream().map(action -> action.replace(JOB_KEY_SHOWN, SHOWN_KEY)).toList();
  }

  /**
   * The approved RMAN script runs as it was approved, whatever the destination says now (a failed attempt may have
   * restored its control file, or left it mounted and unable to tell its time zone): only the lines this layer still
   * derives from its settings, where the pieces go, how RMAN is invoked and its environment, must be the approved ones,
   * and the approved commands must hold a script.
   */
  @Override
  public Optional<String> commandsNoLongerApproved(Target destination, RecoveryPlan plan, List<String> approved) {
    checkPlan(destination, plan);
    if (approvedScript(approved, JOB_KEY_SHOWN).isEmpty()) {
      return Optional.of("the approved commands hold no RMAN script");
    }
    List<String> changed = settingsLines(destination, plan).stream().filter(line -> !approved.contains(line)).toList();
    return changed.isEmpty() ? Optional.empty() : Optional.of("the settings of " + destination.name() + " give other commands than"
        + " those approved: " + String.join("; ", changed));
  }

  /**
   * Where the pieces go, how RMAN is invoked and the environment it runs in (which database ORACLE_SID names, or that
   * none is configured), as the settings give them now, job key shown as {@code <job key>}. Every one is always there,
   * so a setting removed since the approval shows as a changed line.
   */
  private List<String> settingsLines(Target destination, RecoveryPlan plan) {
    Path job = workDirectory(destination).resolve(JOB_KEY_SHOWN);
    TargetProperties.Backup settings = settings(destination);
    List<String> lines = new ArrayList<>();
    lines.add("download " + plan.pieces().size() + " pieces (" + plan.totalBytes() + " bytes) into " + job.resolve(DOWNLOAD)
        + "/<backup or log batch id>/, each checked against its SHA-256 in the manifest");
    lines.add(String.join(" ", RmanInvocation.of(settings.rmanCommand(), settings.environment(), job.resolve(RMAN), "").command()));
    lines.add(settings.environment().isEmpty() ? "RMAN's environment: none configured, RMAN inherits the node's (ORACLE_SID, ORACLE_HOME)"
        : "RMAN's environment: " + new TreeMap<>(settings.environment()).entrySet().stream()
            .map(variable -> variable.getKey() + "=" + variable.getValue()).collect(Collectors.joining(" ")));
    return lines.stream().map(line -> line.replace(JOB_KEY_SHOWN, SHOWN_KEY)).toList();
  }

  /** The RMAN script the approved commands hold, for the job {@code jobKey}; empty when they hold none. */
  static String approvedScript(List<String> approved, String jobKey) {
    StringBuilder script = new StringBuilder();
    approved.stream().filter(line -> line.startsWith(SCRIPT_LINE))
        .forEach(line -> script.append(line.substring(SCRIPT_LINE.length()).replace(SHOWN_KEY, jobKey)).append('\n'));
    return script.toString();
  }

  private void checkPlan(Target destination, RecoveryPlan plan) {
    settings(destination);
    if (plan.dialect() != Dialect.ORACLE) {
      throw new IllegalArgumentException("an Oracle restore needs a plan of Oracle backups, not of " + plan.dialect());
    }
    if (plan.backups().isEmpty()) {
      throw new IllegalArgumentException("the plan holds no backup to restore");
    }
  }

  /**
   * The command file of a restore into {@code downloads}, from what the destination says now: its control file is
   * kept when it is of the plan's database and incarnation, and restored from the plan's last backup otherwise.
   */
  private RestoreScript restoreScript(Target destination, RecoveryPlan plan, Path downloads) {
    Optional<Destination> current = dictionary.destination(destination);
    boolean controlfile = RmanScripts.needsControlfile(current.map(Destination::dbid), current.map(Destination::incarnation),
        plan.databaseIdentity(), plan.timeline());
    Optional<ZoneId> zone = configuredZone(destination).or(() -> current.map(Destination::hostOffset));
    if (plan.recoverToPosition() == null && zone.isEmpty()) {
      throw new IllegalArgumentException("target " + destination.name() + " does not answer and rebound.targets." + destination.name()
          + ".backup.environment.TZ is not set: the database host's time zone is unknown, so the point " + plan.point()
          + " cannot be given to RMAN. Set TZ to the host's zone (e.g. Europe/Lisbon), or restore to latest");
    }
    Restore restore = RmanScripts.restoreOf(plan, downloads, controlfile, false, destination.properties().parallelism(),
        zone.orElse(ZoneId.of("UTC")));
    Optional<Boolean> container = current.map(Destination::container);
    String text = RmanScripts.restore(restore, container.orElse(false));
    BackupManifest last = plan.backups().get(plan.backups().size() - 1);
    String why;
    if (!controlfile) {
      why = "control file kept: " + destination.name() + " is database " + plan.databaseIdentity() + " in incarnation " + plan.timeline()
          + ", as the backups";
    } else if (current.isEmpty()) {
      why = "control file restored from backup " + last.id() + ": " + destination.name() + " does not answer (down or not open)";
    } else if (!current.get().dbid().equals(plan.databaseIdentity())) {
      why = "control file restored from backup " + last.id() + ": " + destination.name() + " is database " + current.get().dbid()
          + ", the backups are of " + plan.databaseIdentity();
    } else {
      why = "control file restored from backup " + last.id() + ": " + destination.name() + " is in incarnation "
          + current.get().incarnation() + ", the backups in " + plan.timeline();
    }
    return new RestoreScript(text, why, container);
  }

  @Override
  public PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request) {
    RecoveryPlan plan = request.plan();
    checkPlan(destination, plan);
    String script = approvedScript(request.approvedCommands(), request.jobKey());
    if (script.isEmpty()) {
      throw new IllegalArgumentException("an Oracle restore runs the RMAN script its approver read, and the request for job "
          + request.jobKey() + " carries none: nothing was started");
    }
    ObjectStore objects = objectStore();
    JobStatus status = job(destination, request.jobKey()).startOrAttach(new JobRunner.InJvm(beat -> {
      Path job = beat.directory();
      Path downloads = job.resolve(DOWNLOAD);
      if (!Files.exists(job.resolve(DOWNLOADED))) {
        download(plan, downloads, objects, beat);
        Files.writeString(job.resolve(DOWNLOADED), Instant.now().toString());
      }
      // The approved script is the one run, on every attempt: a control file restored by a failed attempt changes
      // what the destination would say now, never what runs.
      RmanLog log = rman.run(destination, job.resolve(RMAN), script, beat, "restore to " + plan.point());
      return JSON.writeValueAsString(reached(destination, plan, script, log, beat));
    }));
    return PhysicalJob.of(status, OraclePhysicalBackups::reached);
  }

  private static RestoredPoint reached(String text) throws IOException {
    return JSON.readValue(text, RestoredPoint.class);
  }

  /**
   * Downloads every piece of the plan's backups and log batches into {@code <downloads>/<backup or batch id>/}, each
   * checked against its manifest's SHA-256. Public for the database recovery, which restores from the same pieces.
   */
  public static void download(RecoveryPlan plan, Path downloads, ObjectStore objects, Beat beat) throws IOException {
    List<Manifest> manifests = new ArrayList<>(plan.backups());
    manifests.addAll(plan.logs());
    for (Manifest manifest : manifests) {
      Path directory = RmanScripts.pieceDirectory(downloads, manifest.id());
      Files.createDirectories(directory);
      for (Piece piece : manifest.pieces()) {
        Path file = directory.resolve(BackupLayout.pieceName(piece.name()));
        beat.check();
        beat.progress("downloading " + piece.key() + " (" + piece.size() + " bytes)");
        objects.download(piece.key(), file, piece.sha256());
      }
    }
  }

  /**
   * What the restore reached, from the database once RMAN opened it. A database that does not answer here is left to
   * the verify step, which connects to it; one that answers with a problem fails the restore.
   */
  private RestoredPoint reached(Target destination, RecoveryPlan plan, String script, RmanLog log, Beat beat) {
    String until = plan.recoverToPosition() != null ? "SCN " + plan.recoverToPosition() : plan.recoverToTime().toString();
    String laid = plan.backups().stream().map(backup -> backup.type() + " " + backup.id()).collect(Collectors.joining(", "))
        + " and " + plan.logs().size() + " log batches restored, recovered until " + until + ", opened with RESETLOGS";
    String warnings = log.warnings().isEmpty() ? "" : "; RMAN warned: " + String.join("; ", log.warnings());
    try {
      boolean opened = false;
      if (!script.contains(RmanScripts.OPEN_PLUGGABLE_DATABASES)) {
        opened = dictionary.openPluggableDatabases(destination);
      }
      RestoreResult result = dictionary.restoreResult(destination);
      List<String> problems = result.problems(plan.timeline());
      if (!problems.isEmpty()) {
        throw new IllegalStateException("RMAN finished but " + String.join("; ", problems));
      }
      beat.progress("open READ WRITE in incarnation " + result.incarnation());
      return new RestoredPoint(result.incarnation(), result.resetlogsScn(), null, laid + " (incarnation " + result.incarnation()
          + " from SCN " + result.resetlogsScn() + ")" + (opened ? ", pluggable databases opened" : "") + warnings);
    } catch (SQLException e) {
      return new RestoredPoint(0, null, null, laid + "; its state could not be read here (" + e.getMessage() + ")" + warnings);
    }
  }

  // ---------------------------------------------------------------- jobs

  @Override
  public PhysicalJob<Void> look(Target target, String jobKey) {
    return PhysicalJob.of(job(target, jobKey).look(), text -> null);
  }

  @Override
  public PhysicalJob<TakenBackup> lookAtBackup(Target target, String jobKey) {
    return PhysicalJob.of(job(target, jobKey).look(), OraclePhysicalBackups::taken);
  }

  @Override
  public PhysicalJob<RestoredPoint> lookAtRestore(Target destination, String jobKey) {
    return PhysicalJob.of(job(destination, jobKey).look(), OraclePhysicalBackups::reached);
  }

  @Override
  public void release(Target target, String jobKey) {
    Path job = jobDirectory(target, jobKey);
    try {
      deleteRecursively(job.resolve(PIECES));
      deleteRecursively(job.resolve(DOWNLOAD));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + job, e);
    }
  }

  @Override
  public void discard(Target target, String jobKey) {
    JobRunner job = job(target, jobKey);
    DetachedProcess.Status status = job.look().status();
    if (status == DetachedProcess.Status.FAILED) {
      job.moveAside();
    } else if (status != DetachedProcess.Status.NOT_STARTED) {
      throw new IllegalStateException("job " + jobKey + " of target " + target.name() + " has not failed (" + status
          + "): only a failed job is moved aside");
    }
  }

  private JobRunner job(Target target, String jobKey) {
    return JobRunner.of(jobs.work(jobDirectory(target, jobKey)));
  }

  private interface Preparation<T> {
    T prepare() throws SQLException;
  }

  /** What the job decided at its first start, or decided now and kept. */
  private static <T> T prepared(Path job, Class<T> type, Preparation<T> preparation) throws IOException, SQLException {
    Path file = job.resolve(PREPARED);
    if (Files.exists(file)) {
      return JSON.readValue(file.toFile(), type);
    }
    T prepared = preparation.prepare();
    Path temporary = Files.createTempFile(job, ".prepared-", ".tmp");
    Files.writeString(temporary, JSON.writeValueAsString(prepared));
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return prepared;
  }

  // ---------------------------------------------------------------- settings

  private static TargetProperties.Backup settings(Target target) {
    if (target.dialect() != Dialect.ORACLE) {
      throw new IllegalArgumentException("target " + target.name() + " is not an Oracle target");
    }
    return target.properties().backup();
  }

  /** The database host's zone when the target's RMAN environment names one ({@code TZ}). */
  public static Optional<ZoneId> configuredZone(Target target) {
    String tz = target.properties().backup().environment().get("TZ");
    if (tz == null || tz.isBlank()) {
      return Optional.empty();
    }
    String zone = tz.strip().startsWith(":") ? tz.strip().substring(1) : tz.strip();
    try {
      return Optional.of(ZoneId.of(zone));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup.environment.TZ '" + tz + "' is not a time zone"
          + " Rebound knows (a region such as Europe/Lisbon, or an offset such as +01:00)");
    }
  }

  private ObjectStore objectStore() {
    ObjectStore objects = store.get();
    if (objects == null) {
      throw new IllegalStateException("no bucket is configured (rebound.storage.s3.bucket): backups cannot be read");
    }
    return objects;
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
        for (Path child : children) {
          deleteRecursively(child);
        }
      }
    }
    Files.delete(root);
  }
}
