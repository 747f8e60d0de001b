package io.rebound.backup.postgresql;

import io.rebound.backup.postgresql.WalNames.Header;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The archive directory as it is now: its complete segments (headers checked) and its history files. */
final class WalArchive {

  static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

  record Contents(List<WalBatch.Archived> segments, List<String> histories, long segmentSize) {}

  private WalArchive() {}

  /**
   * Reads the directory. A segment shorter than the size its header declares is still being copied by the
   * {@code archive_command} and waits for the next collection; a segment whose header contradicts its name is refused.
   */
  static Contents read(Path archive) throws IOException {
    List<WalBatch.Archived> segments = new ArrayList<>();
    List<String> histories = new ArrayList<>();
    long segmentSize = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(archive)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (WalNames.historyTimeline(name).isPresent() && Files.isRegularFile(file)) {
          histories.add(name);
          continue;
        }
        if (!WalNames.isSegment(name) || !Files.isRegularFile(file)) {
          continue;
        }
        Optional<Header> header = header(file);
        if (header.isEmpty()) {
          continue;
        }
        Optional<String> mismatch = header.get().mismatch(name);
        if (mismatch.isPresent()) {
          throw new IllegalStateException("the archive directory " + archive + " holds a file that is not what its name says: "
              + mismatch.get());
        }
        if (Files.size(file) != header.get().segmentSize()) {
          continue;
        }
        if (segmentSize != 0 && segmentSize != header.get().segmentSize()) {
          throw new IllegalStateException("the archive directory " + archive + " holds segments of two sizes");
        }
        segmentSize = header.get().segmentSize();
        segments.add(new WalBatch.Archived(WalNames.segment(name, segmentSize).orElseThrow(), header.get().databaseIdentity()));
      }
    }
    return new Contents(segments, histories, segmentSize == 0 ? DEFAULT_SEGMENT_SIZE : segmentSize);
  }

  private static Optional<Header> header(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ)) {
      bytes = in.readNBytes(WalNames.LONG_HEADER_BYTES);
    }
    return bytes.length < WalNames.LONG_HEADER_BYTES ? Optional.empty() : Optional.of(Header.read(bytes));
  }

  /** The times of the transactions a segment ends, by {@code pg_waldump} in UTC. */
  static WalTimes.Span times(Path waldump, Path segment, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(waldump.toString(), segment.toString()).redirectErrorStream(false)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("TZ", "UTC");
    Process process = builder.start();
    WalTimes.Span span;
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
        .lines()) {
      span = WalTimes.read(lines::iterator);
    }
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException(waldump + " did not end within 5 minutes on " + segment);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + segment, e);
    }
    // pg_waldump ends with an error at the end of the valid WAL of a switched segment: the records before it count.
    return span;
  }

  static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
