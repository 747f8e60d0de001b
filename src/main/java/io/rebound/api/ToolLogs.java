package io.rebound.api;

import io.rebound.audit.Redactor;
import io.rebound.config.ReboundProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The last lines of the logs of the tools a run started on a node (pg_dump, pg_restore), from the run's job
 * directories under the work directory ({@code <work-directory>/<run>/<job>/log}, and the logs of earlier
 * attempts beside it). Only files named {@code log...} are read, never the rest of a job's directory, and every
 * line goes through the audit trail's redactor.
 */
@Component
class ToolLogs {

  /** The tail of one job's log. */
  record ToolLog(String job, String file, List<String> lines, boolean cut) {}

  static final int MAX_LINES = 40;
  private static final int MAX_BYTES = 16 * 1024;

  private final Path workDirectory;
  private final Redactor redactor;

  ToolLogs(ReboundProperties properties, Redactor redactor) {
    this.workDirectory = properties.workDirectory().toAbsolutePath().normalize();
    this.redactor = redactor;
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
