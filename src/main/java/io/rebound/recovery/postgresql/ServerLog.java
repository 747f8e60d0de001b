package io.rebound.recovery.postgresql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PostgreSQL 15 server log says about a start: whether crash recovery ran and how far it replayed, whether the
 * server came up, the relation files it could not open or found damaged, and a missing checkpoint. Lines look like
 * {@code 2026-11-30 19:05:34.122 UTC [26922] LOG:  redo starts at 0/1789218} (the default {@code log_line_prefix});
 * only the level and the message are read, so another prefix reads the same.
 */
final class ServerLog {

  /** A relation file the server named, relative to the data directory, and what it said of it. */
  record NamedFile(String path, String problem) {}

  /**
   * @param crashRecovery whether the server found it was not shut down properly and recovered by itself
   * @param redoStart where crash recovery began replaying WAL, or null
   * @param redoEnd where it ended, or null
   * @param ready whether the server said it accepts connections
   * @param files relation files it could not open or found damaged, each once, in the order named
   * @param checkpointMissing whether it found no valid checkpoint record to start from
   * @param missingDirectories tablespace directories it could not open
   * @param said the lines that matter, {@code LEVEL:  message}, in order
   */
  record Reading(boolean crashRecovery, String redoStart, String redoEnd, boolean ready, List<NamedFile> files, boolean checkpointMissing,
      List<String> missingDirectories, List<String> said) {}

  static final int MAX_SAID = 40;

  private static final Pattern LINE = Pattern.compile("\\b(LOG|WARNING|ERROR|FATAL|PANIC):\\s+(.*)$");
  private static final Pattern MISSING_FILE = Pattern.compile("could not open file \"((?:base|global|pg_tblspc)/[^\"]+)\": No such file or"
      + " directory");
  private static final Pattern INVALID_PAGE = Pattern.compile("invalid page in block (\\d+) of relation ((?:base|global|pg_tblspc)/\\S+)");
  private static final Pattern MISSING_DIRECTORY = Pattern.compile("could not open directory \"(pg_tblspc/[^\"]+)\": No such file or"
      + " directory");
  private static final Pattern REDO_START = Pattern.compile("^redo starts at (\\S+)");
  private static final Pattern REDO_DONE = Pattern.compile("^redo done at (\\S+)");
  private static final List<String> RECOVERY_WORDS = List.of("database system was interrupted", "not properly shut down",
      "redo starts at", "redo done at", "checkpoint record", "ready to accept connections", "database system was shut down",
      "invalid pages", "shutting down due to startup process failure", "could not open", "invalid page", "page verification failed");

  private ServerLog() {}

  static Reading read(String log) {
    boolean crash = false;
    boolean ready = false;
    boolean checkpointMissing = false;
    String redoStart = null;
    String redoEnd = null;
    Map<String, NamedFile> files = new LinkedHashMap<>();
    List<String> directories = new ArrayList<>();
    List<String> said = new ArrayList<>();
    for (String line : log.split("\n")) {
      Matcher matched = LINE.matcher(line.strip());
      if (!matched.find()) {
        continue;
      }
      String level = matched.group(1);
      String message = matched.group(2).strip();
      if (message.contains("database system was not properly shut down")) {
        crash = true;
      }
      if (message.startsWith("database system is ready to accept connections")) {
        ready = true;
      }
      if (message.contains("could not locate a valid checkpoint record")) {
        checkpointMissing = true;
      }
      Matcher start = REDO_START.matcher(message);
      if (start.find()) {
        redoStart = start.group(1);
      }
      Matcher done = REDO_DONE.matcher(message);
      if (done.find()) {
        redoEnd = done.group(1);
      }
      file(message).ifPresent(file -> files.putIfAbsent(file.path(), file));
      Matcher directory = MISSING_DIRECTORY.matcher(message);
      if (directory.find() && !directories.contains(directory.group(1))) {
        directories.add(directory.group(1));
      }
      if (said.size() < MAX_SAID && (!"LOG".equals(level) || RECOVERY_WORDS.stream().anyMatch(message::contains))) {
        said.add(level + ":  " + message);
      }
    }
    return new Reading(crash, redoStart, redoEnd, ready, List.copyOf(files.values()), checkpointMissing, List.copyOf(directories),
        List.copyOf(said));
  }

  /** The relation file a server message names as missing or damaged (a log line's message, or an SQL error's). */
  static Optional<NamedFile> file(String message) {
    Matcher missing = MISSING_FILE.matcher(message);
    if (missing.find()) {
      return Optional.of(new NamedFile(missing.group(1), "missing"));
    }
    Matcher invalid = INVALID_PAGE.matcher(message);
    if (invalid.find()) {
      return Optional.of(new NamedFile(invalid.group(2), "invalid page in block " + invalid.group(1) + " (checksum or header)"));
    }
    return Optional.empty();
  }

  /** What crash recovery did, in words, or null when it did not run. */
  static String instanceRecovery(Reading reading) {
    if (!reading.crashRecovery()) {
      return null;
    }
    if (reading.redoStart() == null) {
      return "the server was not shut down properly and recovered by itself (no WAL to replay)";
    }
    return "the server was not shut down properly and replayed WAL from " + reading.redoStart()
        + (reading.redoEnd() == null ? "" : " to " + reading.redoEnd()) + " (crash recovery)";
  }
}
