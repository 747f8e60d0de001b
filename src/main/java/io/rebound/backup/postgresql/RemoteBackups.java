package io.rebound.backup.postgresql;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.Piece;
import io.rebound.backup.TakenBackup;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.DetachedWork.Beat;
import io.rebound.runbook.JobHost;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Backups of a server whose data directory Rebound cannot read ({@code backup.method: pg_basebackup}). A FULL is taken
 * by {@code pg_basebackup} over the replication protocol, the WAL from its start to its end streamed into it, and
 * turned into the pieces of a low-level FULL ({@link StreamedTar}); pg_basebackup runs as a {@link DetachedProcess}, so
 * a job taken over after its node died attaches to it instead of taking a second backup. An INCREMENTAL takes no new base: it is the archived
 * WAL from its parent's end to a segment switch made now, copied from the archive directory into the backup, so a
 * restore replays it from the FULL's {@code backup_label}. Both run as the job's work, in its directory.
 */
final class RemoteBackups {

  /** Where pg_basebackup writes. */
  static final String OUTPUT = "pg_basebackup";
  private static final Duration POLL = Duration.ofSeconds(1);
  /** The detached process running pg_basebackup: its log, exit code and, while it runs, the password file. */
  static final String RUN = "pg_basebackup-run";
  static final String PASSWORD_FILE = "pgpass";
  /** The identity and start time read before pg_basebackup started, for a job taken again after a crash. */
  static final String STARTED = "pg_basebackup.started";

  private final Target target;
  private final TargetProperties.Backup settings;
  private final Path program;
  private final JobHost host;
  private final Duration archiveWait;

  RemoteBackups(Target target, TargetProperties.Backup settings, Path program, JobHost host, Duration archiveWait) {
    this.target = target;
    this.settings = settings;
    this.program = program;
    this.host = host;
    this.archiveWait = archiveWait;
  }

  /**
   * Whether a backup is WAL alone: an INCREMENTAL whose pieces are all WAL segments or timeline histories. A restore
   * puts its pieces with the shipped WAL and lays down nothing of it.
   */
  static boolean isWalOnly(BackupManifest backup) {
    return backup.type() == BackupType.INCREMENTAL && !backup.pieces().isEmpty() && backup.pieces().stream().map(Piece::name)
        .allMatch(name -> WalNames.isSegment(name) || WalNames.historyTimeline(name).isPresent());
  }

  /**
   * What is refused before the job starts: a FULL whose user may not replicate, an INCREMENTAL without the archive it
   * is read from.
   */
  void checkBeforeStart(BackupRequest request) throws SQLException {
    if (request.type() == BackupType.INCREMENTAL) {
      archive();
      return;
    }
    BasebackupCommand.server(target.properties().url(), target.username());
    try (Connection session = target.connect(); Statement statement = session.createStatement();
        ResultSet row = statement.executeQuery("SELECT quote_ident(current_user), rolreplication, rolsuper FROM pg_roles"
            + " WHERE rolname = current_user")) {
      if (!row.next()) {
        throw new IllegalStateException("the target's user is not in pg_roles");
      }
      BasebackupCommand.requireReplication(row.getString(1), row.getBoolean(2), row.getBoolean(3));
    }
  }

  private Path archive() {
    if (settings.archiveDirectory() == null) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup.archive-directory is not set: an INCREMENTAL"
          + " by pg_basebackup's method is the archived WAL since its parent, read from there");
    }
    return settings.archiveDirectory();
  }

  TakenBackup take(BackupRequest request, Beat beat) throws IOException, SQLException, InterruptedException {
    Path job = beat.directory();
    Path pieces = job.resolve(PostgresPhysicalBackups.PIECES);
    // What an earlier, interrupted run of this job wrote: written again from what pg_basebackup left, or taken again.
    PhysicalRestore.delete(pieces);
    Files.createDirectories(pieces);
    return request.type() == BackupType.FULL ? full(request, job, pieces, beat) : incremental(request, pieces, beat);
  }

  /**
   * Runs pg_basebackup as a detached process, or attaches to the one an earlier run of this job started (a node that
   * died while it ran), waits for it, and turns its output into the pieces. A pg_basebackup that vanished is started
   * again over a cleared output directory: it changes nothing on the server.
   */
  private TakenBackup full(BackupRequest request, Path job, Path pieces, Beat beat)
      throws IOException, SQLException, InterruptedException {
    Path started = job.resolve(STARTED);
    DetachedProcess process = new DetachedProcess(job.resolve(RUN), host);
    DetachedProcess.State state = process.state();
    if (state.status() == DetachedProcess.Status.NOT_STARTED || state.status() == DetachedProcess.Status.VANISHED
        || !Files.exists(started)) {
      try (Connection session = target.connect()) {
        Path written = job.resolve(STARTED + ".tmp");
        Files.writeString(written, BaseBackup.checkServer(session) + "\n" + serverTime(session) + "\n", StandardCharsets.UTF_8);
        Files.move(written, started, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    List<String> before = Files.readAllLines(started, StandardCharsets.UTF_8);
    String identity = before.get(0);
    Instant startTime = Instant.parse(before.get(1));
    Path output = job.resolve(OUTPUT);
    BasebackupCommand.Server server = BasebackupCommand.server(target.properties().url(), target.username());
    List<String> command = BasebackupCommand.command(program, server, output, "rebound " + request.backupId());
    if (state.status() == DetachedProcess.Status.NOT_STARTED || state.status() == DetachedProcess.Status.VANISHED) {
      PhysicalRestore.delete(output);
      beat.progress("running " + String.join(" ", command));
      state = process.startOrAttach(command, BasebackupCommand.environment(server, process.directory().resolve(PASSWORD_FILE),
          target.properties().connectTimeout()), Map.of(PASSWORD_FILE, BasebackupCommand.passwordFile(server.user(), target.password())));
    } else {
      beat.progress("attached to pg_basebackup started earlier (" + state.status() + " on " + state.host() + ")");
    }
    try {
      while (state.status() == DetachedProcess.Status.RUNNING) {
        beat.check();
        Thread.sleep(POLL.toMillis());
        state = process.state();
      }
    } finally {
      if (state.status() != DetachedProcess.Status.RUNNING) {
        process.removeFiles(List.of(PASSWORD_FILE));
      }
    }
    List<String> log = process.logLines();
    if (state.status() != DetachedProcess.Status.SUCCEEDED) {
      throw new IllegalStateException("pg_basebackup " + (state.exitCode() == null ? "vanished" : "exited with " + state.exitCode())
          + ": " + String.join(" | ", log.subList(Math.max(0, log.size() - 10), log.size())));
    }
    beat.progress("pg_basebackup finished; writing the pieces");
    StreamedTar.Converted converted = StreamedTar.convert(output, pieces, beat);
    BasebackupCommand.Range range = BasebackupCommand.range(converted.backupLabel(), log);
    Instant endTime;
    try (Connection session = target.connect()) {
      if (!identity.equals(BaseBackup.checkServer(session))) {
        throw new IllegalStateException("the server answering changed while pg_basebackup ran: the backup is not taken");
      }
      endTime = serverTime(session);
    }
    beat.progress("backup from " + range.startPosition() + " to " + range.endPosition() + " on timeline " + range.timeline() + ": "
        + converted.list().files().size() + " files, " + converted.bytes() / (1024 * 1024) + " MiB");
    BackupManifest manifest = new BackupManifest(request.backupId(), target.name(), Dialect.POSTGRESQL, BackupType.FULL, null,
        range.timeline(), identity, startTime, endTime, range.startPosition(), range.endPosition(), List.of());
    // Last: a crash before it finds pg_basebackup's output again; one after it ends the job with its result.
    PhysicalRestore.delete(output);
    return new TakenBackup(manifest, converted.pieces());
  }

  private TakenBackup incremental(BackupRequest request, Path pieces, Beat beat) throws IOException, SQLException {
    BackupManifest parent = request.parent();
    Path archive = archive();
    String identity;
    long timeline;
    long segmentSize;
    String endPosition;
    String lastSegment;
    Instant endTime;
    try (Connection session = target.connect()) {
      identity = BaseBackup.checkServer(session);
      if (!identity.equals(parent.databaseIdentity())) {
        throw new IllegalStateException("backup " + parent.id() + " is of database " + parent.databaseIdentity()
            + ", not of this server (" + identity + "): an INCREMENTAL over it would mix two databases");
      }
      timeline = Long.parseLong(BaseBackup.query(session, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"), 16);
      if (timeline != parent.timeline()) {
        throw new IllegalStateException("the server is on timeline " + timeline + " since backup " + parent.id() + " (timeline "
            + parent.timeline() + ") was taken: take a FULL backup");
      }
      segmentSize = Long.parseLong(BaseBackup.query(session, "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
      // The segment holding the WAL written until now is closed, so the archive gets it: the backup ends there.
      try (Statement statement = session.createStatement();
          ResultSet row = statement.executeQuery("SELECT lsn::text, pg_walfile_name(lsn) FROM pg_switch_wal() lsn")) {
        row.next();
        endPosition = row.getString(1);
        lastSegment = row.getString(2);
      }
      endTime = serverTime(session);
    }
    List<String> segments = segments(parent.endPosition(), lastSegment, timeline, segmentSize);
    beat.progress("INCREMENTAL of WAL from " + parent.endPosition() + " (end of backup " + parent.id() + ") to " + endPosition + ": "
        + segments.size() + " segments, waiting for the archive");
    for (String segment : segments) {
      Path archived = awaitArchived(archive, segment, beat);
      if (Files.size(archived) != segmentSize) {
        throw new IllegalStateException(archived + " has " + Files.size(archived) + " bytes, not a whole segment of " + segmentSize);
      }
      Files.copy(archived, pieces.resolve(segment), StandardCopyOption.REPLACE_EXISTING);
    }
    // Recovery starts where its parent's does: from the backup_label of the base under it, whose WAL from its start to
    // its end the plan's logs must hold too (a low-level FULL does not carry it). The pieces are the WAL since the parent.
    BackupManifest manifest = new BackupManifest(request.backupId(), target.name(), Dialect.POSTGRESQL, BackupType.INCREMENTAL,
        parent.id(), timeline, identity, parent.startTime(), endTime, parent.startPosition(), endPosition, List.of());
    return new TakenBackup(manifest, segments.stream().map(pieces::resolve).toList());
  }

  /** The segments from the one holding {@code from} to {@code last}, on one timeline; at least {@code last}. */
  static List<String> segments(String from, String last, long timeline, long segmentSize) {
    long lastNumber = WalNames.segment(last, segmentSize).orElseThrow(() -> new IllegalStateException(last + " is not a segment"))
        .number();
    long first = WalNames.segment(WalNames.segmentName(timeline, WalNames.lsn(from), segmentSize), segmentSize).orElseThrow().number();
    List<String> names = new ArrayList<>();
    for (long number = Math.min(first, lastNumber); number <= lastNumber; number++) {
      names.add(WalNames.segmentName(timeline, number * segmentSize, segmentSize));
    }
    return List.copyOf(names);
  }

  private Path awaitArchived(Path archive, String segment, Beat beat) throws SQLException {
    Path file = archive.resolve(segment);
    Instant deadline = Instant.now().plus(archiveWait);
    while (!Files.isRegularFile(file)) {
      beat.check();
      if (Instant.now().isAfter(deadline)) {
        String failed;
        try (Connection session = target.connect()) {
          failed = BaseBackup.query(session, "SELECT coalesce(last_failed_wal || ' failed at ' || last_failed_time, 'none failed')"
              + " FROM pg_stat_archiver");
        }
        throw new IllegalStateException(segment + " did not reach " + archive + " within " + archiveWait + " (archiver: " + failed
            + "); check the server's archive_command");
      }
      pause();
    }
    return file;
  }

  private static Instant serverTime(Connection session) throws SQLException {
    return Instant.parse(BaseBackup.query(session, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the archive");
    }
  }
}
