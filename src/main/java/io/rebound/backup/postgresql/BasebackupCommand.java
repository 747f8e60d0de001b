package io.rebound.backup.postgresql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * How {@code pg_basebackup} is run for a target, and what its output says. The command line holds no secret: the
 * password reaches the program through a libpq password file named by {@code PGPASSFILE}, and {@code --no-password}
 * makes a missing or wrong one fail at once instead of prompting.
 *
 * <p>{@code -F tar -X stream}: the data directory arrives as {@code base.tar} (with {@code backup_label} inside) and the
 * WAL from the backup's start to its end, streamed while it runs through a temporary replication slot, as
 * {@code pg_wal.tar}; so the backup is consistent without the archive. {@code -c fast} starts at once instead of at
 * the next scheduled checkpoint; {@code --no-manifest} because Rebound writes its own file list with SHA-256 of every
 * file. {@code --verbose} prints the WAL end point, which nothing else reports.
 */
final class BasebackupCommand {

  private static final Pattern START = Pattern.compile("write-ahead log start point: ([0-9A-F]+/[0-9A-F]+) on timeline (\\d+)");
  private static final Pattern END = Pattern.compile("write-ahead log end point: ([0-9A-F]+/[0-9A-F]+)");
  private static final Pattern LABEL_START = Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) ");
  private static final Pattern LABEL_TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)$");

  /** Where the server listens, as the target's JDBC URL says, and who connects. */
  record Server(String host, String port, String user, Optional<String> sslMode) {}

  /** Where a streamed backup starts (from its {@code backup_label}) and ends (from pg_basebackup's report). */
  record Range(String startPosition, long timeline, String endPosition) {}

  private BasebackupCommand() {}

  static Server server(String jdbcUrl, String user) {
    Properties connection = jdbcUrl == null ? null : Driver.parseURL(jdbcUrl, null);
    if (connection == null) {
      throw new IllegalArgumentException("the target's URL is not a PostgreSQL JDBC URL: pg_basebackup cannot be pointed at it");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("the target has no username: pg_basebackup needs one with the REPLICATION attribute");
    }
    String host = connection.getProperty("PGHOST", "localhost").split(",")[0];
    String port = connection.getProperty("PGPORT", "5432").split(",")[0];
    return new Server(host, port, user, Optional.ofNullable(connection.getProperty("sslmode")));
  }

  /** The command line: everything but the password, which is in the password file. */
  static List<String> command(Path program, Server server, Path output, String label) {
    if (label.chars().anyMatch(c -> c < ' ')) {
      throw new IllegalArgumentException("a backup label is one line of text");
    }
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.add("--host=" + server.host());
    command.add("--port=" + server.port());
    command.add("--username=" + server.user());
    command.add("--no-password");
    command.add("--pgdata=" + output);
    command.add("--format=tar");
    command.add("--wal-method=stream");
    command.add("--checkpoint=fast");
    command.add("--no-manifest");
    command.add("--label=" + label);
    command.add("--verbose");
    return List.copyOf(command);
  }

  /**
   * The environment pg_basebackup runs with: the password file, the connect timeout (libpq counts whole seconds, at
   * least 2) and the URL's {@code sslmode}, so the replication connection is as protected as Rebound's own.
   */
  static Map<String, String> environment(Server server, Path passwordFile, Duration connectTimeout) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PGPASSFILE", passwordFile.toAbsolutePath().toString());
    environment.put("PGCONNECT_TIMEOUT", Long.toString(Math.max(2, (connectTimeout.toMillis() + 999) / 1000)));
    environment.put("PGAPPNAME", "rebound-backup");
    server.sslMode().ifPresent(mode -> environment.put("PGSSLMODE", mode));
    return Map.copyOf(environment);
  }

  /** A libpq password file for the user, for any host, port and database ({@code replication} included). */
  static String passwordFile(String user, String password) {
    return "*:*:*:" + escape(user) + ":" + escape(password == null ? "" : password) + "\n";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  /**
   * Refuses a user that may not open a replication connection, with the statement that grants it; superusers may
   * without the attribute.
   */
  static void requireReplication(String quotedUser, boolean replication, boolean superuser) {
    if (!replication && !superuser) {
      throw new IllegalStateException("the target's user " + quotedUser + " lacks the REPLICATION attribute that pg_basebackup needs;"
          + " grant it with: ALTER ROLE " + quotedUser + " REPLICATION;  (and a pg_hba.conf line for the database 'replication')");
    }
  }

  /**
   * The range of a finished backup: its start and timeline from its {@code backup_label} (what recovery reads), its end
   * from pg_basebackup's report, which must name the same start.
   */
  static Range range(String backupLabel, List<String> output) {
    Matcher labelStart = LABEL_START.matcher(backupLabel);
    Matcher labelTimeline = LABEL_TIMELINE.matcher(backupLabel);
    if (!labelStart.find() || !labelTimeline.find()) {
      throw new IllegalStateException("the backup_label pg_basebackup wrote has no START WAL LOCATION or START TIMELINE: "
          + backupLabel);
    }
    String start = null;
    String end = null;
    for (String line : output) {
      Matcher startLine = START.matcher(line);
      if (startLine.find()) {
        start = startLine.group(1);
      }
      Matcher endLine = END.matcher(line);
      if (endLine.find()) {
        end = endLine.group(1);
      }
    }
    if (end == null) {
      throw new IllegalStateException("pg_basebackup did not report its write-ahead log end point; its output ends: "
          + String.join(" | ", output.subList(Math.max(0, output.size() - 10), output.size())));
    }
    if (start != null && !start.equals(labelStart.group(1))) {
      throw new IllegalStateException("pg_basebackup reported the start point " + start + " but its backup_label says "
          + labelStart.group(1));
    }
    if (WalNames.lsn(end) < WalNames.lsn(labelStart.group(1))) {
      throw new IllegalStateException("pg_basebackup reported the end point " + end + " before its start " + labelStart.group(1));
    }
    return new Range(labelStart.group(1), Long.parseLong(labelTimeline.group(1)), end);
  }
}
