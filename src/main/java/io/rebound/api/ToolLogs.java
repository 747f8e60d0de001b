package io.rebound.api;

import io.rebound.audit.Redactor;
import io.rebound.config.ReboundProperties;
import io.rebound.restore.SchemaRestoreProcess;
import io.rebound.restore.oracle.DataPumpLogTail;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The last lines of the logs of the tools a run started on a node (pg_dump, pg_restore), from the run's job
 * directories under the work directory ({@code <work-directory>/<run>/<job>/log}, and the logs of earlier
 * attempts beside it). Only files named {@code log...} are read, never the rest of a job's directory, and every
 * line goes through the audit trail's redactor.
 *
 * <p>A schema restore on Oracle runs Data Pump, whose logs stay in the DIRECTORY on the database host: their ends
 * are read over JDBC ({@link DataPumpLogTail}), at most once every {@link #DATABASE_READ_EVERY} per run, so a
 * console refreshing a run's page does not open a session on the target each time.
 */
@Component
class ToolLogs {

  static final Duration DATABASE_READ_EVERY = Duration.ofSeconds(10);
  private static final int CACHED_RUNS = 100;

  /** The tail of one job's log. */
  record ToolLog(String job, String file, List<String> lines, boolean cut) {}

  static final int MAX_LINES = 40;
  private static final int MAX_BYTES = 16 * 1024;

  private final Path workDirectory;
  private final Redactor redactor;
  private final Targets targets;
  private final Map<String, Read> read = new ConcurrentHashMap<>();

  /** Data Pump tails as read at a time. */
  private record Read(Instant at, List<ToolLog> logs) {}

  ToolLogs(ReboundProperties properties, Redactor redactor, Targets targets) {
    this.workDirectory = properties.workDirectory().toAbsolutePath().normalize();
    this.redactor = redactor;
    this.targets = targets;
  }

  /** The run's tool logs on this node and, for a schema restore on Oracle, the tails of its Data Pump job logs. */
  List<ToolLog> of(String runId, String runbook, String target) {
    List<ToolLog> logs = new ArrayList<>(of(runId));
    Target oracle = target == null ? null : targets.find(target).filter(t -> t.dialect() == Dialect.ORACLE).orElse(null);
    if (oracle != null && SchemaRestoreProcess.KEY.equals(runbook)) {
      logs.addAll(dataPump(runId, oracle, Instant.now()));
    }
    return logs;
  }

  private List<ToolLog> dataPump(String runId, Target target, Instant now) {
    Read last = read.get(runId);
    if (last != null && last.at().plus(DATABASE_READ_EVERY).isAfter(now)) {
      return last.logs();
    }
    List<ToolLog> logs = new ArrayList<>();
    try (Connection connection = target.connect()) {
      for (DataPumpLogTail.Tail tail : DataPumpLogTail.of(connection, DataPumpLogTail.directory(target), runId, redactor::redact)) {
        logs.add(new ToolLog(tail.job(), tail.file(), tail.lines(), tail.cut()));
      }
    } catch (SQLException | RuntimeException e) {
      logs.add(new ToolLog("data-pump", DataPumpLogTail.directory(target), List.of(
          "the Data Pump logs cannot be read from " + target.name() + ": " + redactor.redact(String.valueOf(e.getMessage()))), false));
    }
    if (read.size() >= CACHED_RUNS) {
      read.entrySet().removeIf(e -> e.getValue().at().plus(DATABASE_READ_EVERY).isBefore(now));
    }
    if (read.size() < CACHED_RUNS) {
      read.put(runId, new Read(now, List.copyOf(logs)));
    }
    return logs;
  }

  /** The tails of the run's tool logs, newest attempt last; none when the run started no tool here. */
  List<ToolLog> of(String runId) {
    Path run = workDirectory.resolve(runId).normalize();
    if (!workDirectory.equals(run.getParent()) || !Files.isDirectory(run)) {
      return List.of();
    }
    List<ToolLog> logs = new ArrayList<>();
    try (Stream<Path> jobs = Files.list(run)) {
      for (Path job : jobs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(job)) {
          for (Path log : files.filter(f -> f.getFileName().toString().equals("log") || f.getFileName().toString().startsWith("log."))
              .filter(Files::isRegularFile).sorted(Comparator.comparing(ToolLogs::attempt)).toList()) {
            logs.add(tail(job.getFileName().toString(), log));
          }
        }
      }
    } catch (IOException e) {
      return logs;
    }
    return logs;
  }

  /** Earlier attempts ({@code log.<millis>}) before the current one ({@code log}). */
  private static long attempt(Path log) {
    String name = log.getFileName().toString();
    try {
      return name.equals("log") ? Long.MAX_VALUE : Long.parseLong(name.substring(4));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private ToolLog tail(String job, Path log) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      long size = channel.size();
      long from = Math.max(0, size - MAX_BYTES);
      channel.position(from);
      ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read to the end
      }
      List<String> lines = new ArrayList<>(Arrays.asList(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")));
      boolean cut = from > 0;
      if (cut && !lines.isEmpty()) {
        lines.remove(0); // begun mid-line
      }
      if (lines.size() > MAX_LINES) {
        lines = new ArrayList<>(lines.subList(lines.size() - MAX_LINES, lines.size()));
        cut = true;
      }
      return new ToolLog(job, log.getFileName().toString(), lines.stream().map(redactor::redact).toList(), cut);
    }
  }
}
