package io.rebound.recovery.postgresql;

import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.config.ReboundProperties;
import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import io.rebound.recovery.LogArchiving;
import io.rebound.recovery.MediaRecovery;
import io.rebound.recovery.RestoreUnit;
import io.rebound.recovery.StrategyDecision;
import io.rebound.recovery.Triage;
import io.rebound.restore.postgresql.PostgresClient;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link MediaRecovery} for PostgreSQL, on the database host: triage by starting the server when it does not answer
 * and checking a running one for damage; recovery by a whole-cluster restore through the PostgreSQL physical backup
 * layer ({@link PhysicalBackups#restore}), since PostgreSQL restores no single relation file.
 */
@Component
public class PostgresMediaRecovery implements MediaRecovery {

  /** How long a start may take: crash recovery replays the WAL since the last checkpoint inside it. */
  static final Duration START_WAIT = Duration.ofMinutes(10);
  static final Duration COMMAND_WAIT = Duration.ofMinutes(15);

  private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(.*)$");
  private static final Pattern CHECKSUM_VERSION = Pattern.compile("Data page checksum version:\\s+(\\d+)");
  private static final Pattern CLUSTER_STATE = Pattern.compile("Database cluster state:\\s+(.+)");
  private static final String RELATIONS = "SELECT n.nspname, c.relname, c.relkind, pg_relation_filepath(c.oid),"
      + " COALESCE(t.spcname, (SELECT s.spcname FROM pg_database d JOIN pg_tablespace s ON s.oid = d.dattablespace"
      + " WHERE d.datname = current_database())), c.relisshared OR n.nspname = 'pg_catalog'"
      + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace"
      + " WHERE c.relkind IN ('r', 'i', 't', 'm', 'S') AND c.relpersistence <> 't' AND pg_relation_filepath(c.oid) IS NOT NULL"
      + " ORDER BY 4";
  private static final String BTREE_INDEXES = "SELECT c.oid, n.nspname, c.relname, pg_relation_filepath(c.oid)"
      + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relpersistence <> 't' AND i.indisvalid AND i.indisready"
      + " ORDER BY 4";

  private final Path nodeWorkDirectory;
  private final List<PhysicalBackups> layers;

  @Autowired
  PostgresMediaRecovery(ReboundProperties properties, List<PhysicalBackups> layers) {
    this(properties.workDirectory(), layers);
  }

  PostgresMediaRecovery(Path nodeWorkDirectory, List<PhysicalBackups> layers) {
    this.nodeWorkDirectory = nodeWorkDirectory;
    this.layers = List.copyOf(layers);
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public void checkSettings(Target target) {
    TargetProperties.Backup settings = target.properties().backup();
    if (settings.dataDirectory() == null) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup.data-directory is not set: triage starts the"
          + " server and checks its files on this host");
    }
    String currentUser = System.getProperty("user.name");
    if (settings.osUser() != null && !settings.osUser().equals(currentUser) && !"root".equals(currentUser)) {
      throw new IllegalArgumentException("rebound.targets." + target.name() + ".backup.os-user is " + settings.osUser() + " but Rebound"
          + " runs as " + currentUser + ": a recovery starts the server and lays down files it must own, so Rebound must run as "
          + settings.osUser() + " or as root");
    }
  }

  // ---------------------------------------------------------------- triage

  @Override
  public Triage triage(Target target, StepLog log) {
    checkSettings(target);
    TargetProperties.Backup settings = target.properties().backup();
    Path data = settings.dataDirectory();
    ServerCommands server = commands(target);
    Map<String, AffectedFile> files = new LinkedHashMap<>();
    List<String> checks = new ArrayList<>();
    List<String> said = new ArrayList<>();
    String instanceRecovery = null;
    boolean reachable;
    String archiveMode = null;
    try {
      Connection connection = connect(target, null);
      if (connection == null) {
        log.ran("connect to " + target.name(), "no answer");
        if (running(server, log)) {
          log.ran("wait for " + target.name() + " to accept connections", "the server runs");
          connection = awaitConnection(target);
        } else {
          checkStopped(server, data, files, checks, log);
          ServerLog.Reading reading = start(target, server, log);
          said.addAll(reading.said());
          instanceRecovery = ServerLog.instanceRecovery(reading);
          reading.files().forEach(file -> files.putIfAbsent(file.path(), RelationPaths.affected(file.path(), file.problem(), data)));
          reading.missingDirectories().forEach(directory -> files.putIfAbsent(directory, new AffectedFile(directory,
              "tablespace " + directory.split("/")[1], FileKind.DATA, "a whole tablespace directory", false, "missing")));
          if (reading.checkpointMissing()) {
            files.putIfAbsent("pg_wal", new AffectedFile("pg_wal", null, FileKind.LOG, "the WAL the control file points to", true,
                "no valid checkpoint record: the WAL of the last checkpoint is missing or damaged"));
          }
          connection = reading.ready() ? connect(target, null) : null;
        }
      }
      reachable = connection != null || running(server, log);
      if (connection != null) {
        try (Connection open = connection) {
          archiveMode = show(open, "archive_mode");
          checks.add("data checksums " + show(open, "data_checksums"));
          for (String database : databases(open)) {
            examine(target, database, data, files, checks, log);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("triage of " + target.name() + " failed: " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new IllegalStateException("triage of " + target.name() + " failed: " + e.getMessage(), e);
    }
    boolean opened = archiveMode != null;
    List<AffectedFile> affected = List.copyOf(files.values());
    return new Triage(reachable, opened, instanceRecovery, affected, affected.isEmpty() ? RestoreUnit.NONE : RestoreUnit.WHOLE,
        archiving(settings.archiveDirectory(), archiveMode), said, checks);
  }

  static LogArchiving archiving(Path archiveDirectory, String archiveMode) {
    if (archiveDirectory == null) {
      return new LogArchiving(false, "no backup.archive-directory configured: no WAL archive");
    }
    if (!Files.isDirectory(archiveDirectory)) {
      return new LogArchiving(false, "the WAL archive " + archiveDirectory + " is not there");
    }
    if ("off".equals(archiveMode)) {
      return new LogArchiving(false, "archive_mode is off: the server archives no WAL into " + archiveDirectory);
    }
    return new LogArchiving(true, (archiveMode == null ? "archive_mode not read (the server is down)" : "archive_mode " + archiveMode)
        + ", WAL archive " + archiveDirectory);
  }

  private boolean running(ServerCommands server, StepLog log) throws IOException {
    ServerCommands.Result status = ServerCommands.run(server.status(), Duration.ofSeconds(30));
    return status.exitCode() == 0;
  }

  private Connection awaitConnection(Target target) throws SQLException {
    Instant until = Instant.now().plus(START_WAIT);
    while (Instant.now().isBefore(until)) {
      Connection connection = connect(target, null);
      if (connection != null) {
        return connection;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** A cleanly stopped cluster with checksums on is checked before it starts: pg_checksums refuses a running one. */
  private void checkStopped(ServerCommands server, Path data, Map<String, AffectedFile> files, List<String> checks, StepLog log)
      throws IOException {
    ServerCommands.Result control = ServerCommands.run(server.controlData(), Duration.ofMinutes(1));
    Matcher version = CHECKSUM_VERSION.matcher(control.output());
    Matcher state = CLUSTER_STATE.matcher(control.output());
    String clusterState = state.find() ? state.group(1).strip() : "unknown";
    log.ran(String.join(" ", server.controlData()), "cluster state " + clusterState);
    if (control.exitCode() != 0) {
      checks.add("pg_controldata failed: " + control.output().strip());
      return;
    }
    if (!version.find() || "0".equals(version.group(1))) {
      checks.add("pg_checksums not run: data checksums are off");
      return;
    }
    if (!"shut down".equals(clusterState)) {
      checks.add("pg_checksums not run: the cluster was not shut down cleanly (" + clusterState + ")");
      return;
    }
    ServerCommands.Result result = ServerCommands.run(server.checksums(), COMMAND_WAIT);
    ChecksumReport report = ChecksumReport.read(result.output(), data);
    log.ran(String.join(" ", server.checksums()), report.summary());
    checks.add(report.summary());
    report.badBlocks().forEach((file, blocks) -> files.putIfAbsent(file, RelationPaths.affected(file,
        "checksum failure in block(s) " + blocks, data)));
  }

  private ServerLog.Reading start(Target target, ServerCommands server, StepLog log) throws IOException {
    Path directory = target.properties().backup().workDirectory(nodeWorkDirectory, target.name()).resolve("recovery").toAbsolutePath();
    Files.createDirectories(directory);
    Path serverLog = directory.resolve("start-" + Instant.now().toEpochMilli() + ".log");
    Files.createFile(serverLog);
    if (server.needsChown()) {
      ServerCommands.run(server.chown(serverLog), Duration.ofSeconds(30));
    }
    List<String> command = server.start(serverLog, START_WAIT);
    ServerCommands.Result started = ServerCommands.run(command, START_WAIT.plusMinutes(1));
    ServerLog.Reading reading = ServerLog.read(Files.readString(serverLog));
    log.ran(String.join(" ", command), started.exitCode() == 0 ? "started" + (reading.crashRecovery() ? " after crash recovery" : "")
        : "did not start (exit code " + started.exitCode() + "); its log is " + serverLog);
    log.fact("serverLog", serverLog.toString());
    return reading;
  }

  /** One database: every relation's file in the data directory, and its btree indexes when amcheck is installed. */
  private void examine(Target target, String database, Path data, Map<String, AffectedFile> files, List<String> checks, StepLog log)
      throws SQLException {
    try (Connection connection = connect(target, database)) {
      if (connection == null) {
        checks.add("database " + database + " does not accept connections: not checked");
        return;
      }
      connection.setAutoCommit(true);
      int relations = 0;
      int missing = 0;
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(RELATIONS)) {
        while (rows.next()) {
          String path = rows.getString(4);
          relations++;
          if (files.containsKey(path) || Files.exists(data.resolve(path))) {
            continue;
          }
          missing++;
          boolean catalog = rows.getBoolean(6);
          String kind = rows.getString(3);
          FileKind fileKind = catalog ? FileKind.SYSTEM : "i".equals(kind) ? FileKind.INDEX : FileKind.DATA;
          files.put(path, new AffectedFile(path, rows.getString(5), fileKind, words(kind) + " " + rows.getString(1) + "." + rows.getString(2)
              + " in database " + database, Files.isDirectory(data.resolve(path).getParent()), "missing"));
        }
      }
      checks.add("database " + database + ": " + relations + " relation files checked, " + missing + " missing");
      log.ran("check the file of every relation of database " + database + " under " + data, relations + " checked, " + missing + " missing");
      indexes(connection, database, data, files, checks, log);
    }
  }

  private void indexes(Connection connection, String database, Path data, Map<String, AffectedFile> files, List<String> checks,
      StepLog log) throws SQLException {
    if (!exists(connection, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")) {
      checks.add(exists(connection, "SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
          ? "amcheck is not installed in database " + database + ": its btree indexes were not checked (CREATE EXTENSION amcheck there"
              + " to have them checked)"
          : "amcheck is not available on this server: the btree indexes of " + database + " were not checked");
      return;
    }
    List<String[]> indexes = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(BTREE_INDEXES)) {
      while (rows.next()) {
        indexes.add(new String[] {rows.getString(1), rows.getString(2) + "." + rows.getString(3), rows.getString(4)});
      }
    }
    int checked = 0;
    int damaged = 0;
    for (String[] index : indexes) {
      if (files.containsKey(index[2])) {
        continue;
      }
      try (PreparedStatement check = connection.prepareStatement("SELECT bt_index_check(?::oid::regclass)")) {
        check.setLong(1, Long.parseLong(index[0]));
        check.execute();
        checked++;
      } catch (SQLException e) {
        damaged++;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ServerLog.NamedFile named = ServerLog.file(message).orElse(new ServerLog.NamedFile(index[2], "amcheck: " + message.strip()));
        files.putIfAbsent(named.path(), named.path().equals(index[2])
            ? new AffectedFile(index[2], null, FileKind.INDEX, "index " + index[1] + " in database " + database,
                Files.isDirectory(data.resolve(index[2]).getParent()), named.problem())
            : RelationPaths.affected(named.path(), named.problem(), data));
      }
    }
    checks.add("database " + database + ": amcheck bt_index_check on " + checked + " btree indexes, " + damaged + " failed");
    log.ran("bt_index_check on the btree indexes of database " + database, checked + " passed, " + damaged + " failed");
  }

  private static String words(String relkind) {
    return switch (relkind) {
      case "r" -> "table";
      case "i" -> "index";
      case "t" -> "TOAST table";
      case "m" -> "materialized view";
      case "S" -> "sequence";
      default -> "relation";
    };
  }

  private static boolean exists(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next();
    }
  }

  private static String show(Connection connection, String setting) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW " + setting)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static List<String> databases(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  /** A connection to the target's database, or to {@code database} on the same server; null when the server does not answer. */
  private static Connection connect(Target target, String database) throws SQLException {
    try {
      if (database == null) {
        return target.connect();
      }
      Properties info = new Properties();
      info.setProperty("user", target.username());
      String password = target.password();
      if (password != null) {
        info.setProperty("password", password);
      }
      info.setProperty("ApplicationName", "rebound");
      return DriverManager.getConnection(databaseUrl(target.properties().url(), database), info);
    } catch (SQLException e) {
      if (answered(e)) {
        throw e;
      }
      return null;
    }
  }

  /**
   * Whether the server itself answered with this error: connection refused, a server starting, shutting down or in
   * recovery (SQLSTATE class 08, 57P0x) mean it does not answer; anything else (a wrong password) is an error to show.
   */
  static boolean answered(SQLException e) {
    String state = e.getSQLState();
    return state != null && !state.startsWith("08") && !state.startsWith("57P0");
  }

  /** The target's JDBC URL naming another database on the same server, its parameters kept. */
  static String databaseUrl(String url, String database) {
    Matcher matcher = URL.matcher(url);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("the target's URL " + url + " is not jdbc:postgresql://host:port/database");
    }
    return matcher.group(1) + database + matcher.group(3);
  }

  // ---------------------------------------------------------------- plan and recovery

  @Override
  public List<String> actions(Target target, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
    return switch (decision.strategy()) {
      case INSTANCE_RECOVERY_ONLY -> List.of();
      case RESTORE_DATABASE, POINT_IN_TIME, RESTORE_LAST_BACKUP -> Stream.concat(Stream.of("restore the whole cluster (PostgreSQL"
          + " restores no single relation file): every file of " + target.properties().backup().dataDirectory() + " is replaced, not only"
          + " the " + triage.files().size() + " affected"), layer().restoreActions(target, restore).stream()).toList();
      default -> throw new IllegalArgumentException("PostgreSQL has no " + decision.strategy() + ": it restores a cluster whole");
    };
  }

  @Override
  public PhysicalJob<RestoredPoint> recover(Target target, String jobKey, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
    actions(target, triage, decision, restore);
    return layer().restore(target, new RestoreRequest(jobKey, restore));
  }

  @Override
  public PhysicalJob<RestoredPoint> look(Target target, String jobKey) {
    return layer().lookAtRestore(target, jobKey);
  }

  @Override
  public void discard(Target target, String jobKey) {
    layer().discard(target, jobKey);
  }

  private PhysicalBackups layer() {
    return layers.stream().filter(layer -> layer.dialect() == Dialect.POSTGRESQL).findFirst()
        .orElseThrow(() -> new IllegalStateException("no PostgreSQL physical backup layer"));
  }

  private static ServerCommands commands(Target target) {
    Path bin = target.properties().binDirectory() != null ? target.properties().binDirectory() : PostgresClient.discoverBinDirectory();
    return new ServerCommands(bin, target.properties().backup().dataDirectory(), target.properties().backup().osUser(),
        System.getProperty("user.name"));
  }
}
