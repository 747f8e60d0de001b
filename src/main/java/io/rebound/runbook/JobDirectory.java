package io.rebound.runbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory a detached job keeps its state in, as {@link DetachedProcess} and {@link DetachedWork} both use it:
 * numbered start locks taken by a hard link, files written whole, the age of its newest sign of life measured on the
 * file system's own clock, and the directory moved aside once a failed job is to run afresh.
 */
final class JobDirectory {

  private static final Pattern START = Pattern.compile("start-(\\d+)");

  private final Path path;

  JobDirectory(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  /** The name of start lock number {@code attempt}. */
  static String start(int attempt) {
    return "start-" + attempt;
  }

  /** How many starts were taken: the highest start lock's number, 0 when none (or no directory) exists. */
  int attempts() {
    if (!Files.isDirectory(path)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.map(file -> START.matcher(file.getFileName().toString())).filter(Matcher::matches)
          .mapToInt(start -> Integer.parseInt(start.group(1))).max().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Takes start number {@code attempt}, or learns that another node took it. The lock is written whole under a name of
   * this node's own, then linked to {@code start-<n>}: a link is created whole or not at all, and fails when the name
   * exists, also on NFS, so no node ever reads a half-written lock or takes one twice.
   */
  boolean lock(int attempt, String content) throws IOException {
    Path mine = Files.createTempFile(path, ".start-" + attempt + "-", ".tmp");
    try {
      Files.writeString(mine, content);
      Files.createLink(path.resolve(start(attempt)), mine);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(mine);
    }
  }

  /** Writes a file whole: readers see the old content or the new, never a part (a temporary file of its own, moved). */
  void writeAtomically(String name, String content) throws IOException {
    Path temporary = Files.createTempFile(path, "." + name + "-", ".tmp");
    try {
      Files.writeString(temporary, content);
      Files.move(temporary, path.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** A file's content, or null when it does not exist. */
  String read(String name) {
    try {
      return Files.readString(path.resolve(name));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** When the newest of these files was written; the epoch when none exists. */
  Instant newestWrite(String... names) {
    Instant newest = Instant.EPOCH;
    for (String name : names) {
      Path file = path.resolve(name);
      try {
        // Read before its time is taken: opening makes a shared file system fetch the file's attributes anew.
        Files.readAllBytes(file);
        Instant written = Files.getLastModifiedTime(file).toInstant();
        newest = written.isAfter(newest) ? written : newest;
      } catch (IOException e) {
        // Absent, gone since, or not a file a job could have written: no sign of life.
      }
    }
    return newest;
  }

  /**
   * The file system's own clock, from a file written now: the heartbeat's age is measured on the clock that stamped it,
   * so hosts whose clocks disagree still agree on whether it is stale. A node that cannot write in the job directory
   * cannot run jobs either: that is an error, not a reason to fall back on its own clock.
   */
  Instant now() {
    try {
      Path probe = Files.createTempFile(path, ".clock-", "");
      try {
        return Files.getLastModifiedTime(probe).toInstant();
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + path, e);
    }
  }

  /**
   * Moves the directory aside ({@code <name>.failed-<time>}), its log kept for the record, so that the next start runs
   * the job afresh. Returns where it went.
   */
  Path moveAside() {
    Path aside = path.resolveSibling(path.getFileName() + ".failed-" + Instant.now().toEpochMilli());
    try {
      Files.move(path, aside);
      return aside;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + path + " aside", e);
    }
  }
}
