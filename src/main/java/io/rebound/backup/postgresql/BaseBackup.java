package io.rebound.backup.postgresql;

import io.rebound.backup.postgresql.DataDirectoryRules.Decision;
import io.rebound.runbook.DetachedWork.Beat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One backup by the low-level API, in the session the caller holds for its whole length: {@code pg_backup_start},
 * the data directory copied into {@code base.tar} with its {@link FileList}, {@code pg_backup_stop}, whose
 * {@code backup_label} (and {@code tablespace_map}) become pieces of their own. With a parent file list only the
 * files whose bytes differ from it are copied (an INCREMENTAL); the list still names every file.
 */
final class BaseBackup {

  static final String TAR = "base.tar";
  static final String LABEL = "backup_label";
  static final String TABLESPACE_MAP = "tablespace_map";
  private static final Pattern START_TIMELINE = Pattern.compile("(?m)^START TIMELINE: (\\d+)$");

  /** What the backup reached, from the server's own clock and control data. */
  record Taken(String systemIdentifier, long timeline, String startPosition, String endPosition, Instant startTime, Instant endTime,
      int filesListed, int filesCopied, long bytesCopied, List<Path> pieces) {}

  private BaseBackup() {}

  /**
   * Checks that the server can be backed up this way, and that the configured data directory is the one it runs on.
   * Returns the server's system identifier.
   */
  static String check(Connection session, Path dataDirectory) throws SQLException {
    String identity = checkServer(session);
    Path serverDirectory = Path.of(show(session, "data_directory"));
    if (!sameDirectory(serverDirectory, dataDirectory)) {
      throw new IllegalStateException("backup.data-directory " + dataDirectory + " is not the data directory the server runs on ("
          + serverDirectory + ")");
    }
    return identity;
  }

  /** The checks of {@link #check} that need no access to the data directory; returns the server's system identifier. */
  static String checkServer(Connection session) throws SQLException {
    String fullPageWrites = show(session, "full_page_writes");
    if (!"on".equals(fullPageWrites)) {
      throw new IllegalStateException("full_page_writes is " + fullPageWrites + ": a backup taken while pages are written is repaired"
          + " only from full-page images in the WAL; set full_page_writes = on");
    }
    String walLevel = show(session, "wal_level");
    if (!"replica".equals(walLevel) && !"logical".equals(walLevel)) {
      throw new IllegalStateException("wal_level is " + walLevel + ": a backup needs replica or logical");
    }
    String archiveMode = show(session, "archive_mode");
    if ("off".equals(archiveMode)) {
      throw new IllegalStateException("archive_mode is off: without archived WAL no backup can be restored; set archive_mode = on"
          + " and an archive_command that copies into the target's backup.archive-directory");
    }
    return query(session, "SELECT system_identifier::text FROM pg_control_system()");
  }

  static Taken take(Connection session, Path dataDirectory, Path out, String label, FileList parent, Beat beat)
      throws SQLException, IOException {
    String identity = check(session, dataDirectory);
    Instant startTime = Instant.parse(query(session, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    String startPosition;
    try (PreparedStatement start = session.prepareStatement("SELECT pg_backup_start(?, true)::text")) {
      start.setString(1, label);
      try (ResultSet row = start.executeQuery()) {
        row.next();
        startPosition = row.getString(1);
      }
    }
    beat.progress("backup started at " + startPosition + "; copying " + dataDirectory);
    Copy copy;
    try {
      copy = copy(dataDirectory, out, parent, beat);
    } catch (IOException | RuntimeException e) {
      abort(session, e);
      throw e;
    }
    String endPosition;
    String labelFile;
    String tablespaceMap;
    try (Statement stop = session.createStatement();
        ResultSet row = stop.executeQuery("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(true)")) {
      row.next();
      endPosition = row.getString(1);
      labelFile = row.getString(2);
      tablespaceMap = row.getString(3);
    }
    Instant endTime = Instant.parse(query(session, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    Matcher timeline = START_TIMELINE.matcher(labelFile);
    if (!timeline.find()) {
      throw new IllegalStateException("pg_backup_stop returned a backup_label without START TIMELINE: " + labelFile);
    }
    List<Path> pieces = new ArrayList<>(List.of(out.resolve(TAR), out.resolve(FileList.NAME), out.resolve(LABEL)));
    Files.writeString(out.resolve(LABEL), labelFile, StandardCharsets.UTF_8);
    if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
      Files.writeString(out.resolve(TABLESPACE_MAP), tablespaceMap, StandardCharsets.UTF_8);
      pieces.add(out.resolve(TABLESPACE_MAP));
    }
    beat.progress("backup stopped at " + endPosition + ": " + copy.copied + " of " + copy.list.files().size() + " files copied");
    return new Taken(identity, Long.parseLong(timeline.group(1)), startPosition, endPosition, startTime, endTime,
        copy.list.files().size(), copy.copied, copy.bytes, List.copyOf(pieces));
  }

  /** Ends backup mode after a failed copy, so the server does not keep forcing full-page writes for nothing. */
  private static void abort(Connection session, Exception cause) {
    try (Statement stop = session.createStatement()) {
      stop.execute("SELECT pg_backup_stop(false)");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  record Copy(FileList list, int copied, long bytes) {}

  /** Walks the data directory and writes the tar and the file list. */
  static Copy copy(Path dataDirectory, Path out, FileList parent, Beat beat) throws IOException {
    Files.createDirectories(out);
    Map<String, Boolean> entries = entries(dataDirectory);
    List<String> directories = new ArrayList<>();
    Map<String, FileList.Entry> files = new LinkedHashMap<>();
    int copied = 0;
    long bytes = 0;
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(out.resolve(TAR)), 1 << 16);
        Tar.Writer tar = new Tar.Writer(stream)) {
      List<String> order = new ArrayList<>(entries.keySet());
      // pg_control last, as pg_basebackup sends it.
      if (order.remove("global/pg_control")) {
        order.add("global/pg_control");
      }
      for (String path : order) {
        beat.check();
        if (entries.get(path)) {
          directories.add(path);
          tar.directory(path);
          continue;
        }
        Path file = dataDirectory.resolve(path);
        long size;
        try {
          size = Files.size(file);
        } catch (NoSuchFileException e) {
          continue; // dropped while the backup ran: recovery replays the drop
        }
        Optional<FileList.Entry> before = parent == null ? Optional.empty() : parent.file(path);
        if (before.isPresent() && before.get().size() == size && !DataDirectoryRules.isControlFile(path)) {
          String sha256;
          try {
            sha256 = sha256(file, size);
          } catch (NoSuchFileException e) {
            continue;
          }
          if (sha256.equals(before.get().sha256())) {
            files.put(path, before.get());
            continue;
          }
        }
        String sha256;
        try {
          sha256 = tar.file(path, file, size);
        } catch (NoSuchFileException e) {
          throw new IOException(path + " was dropped while it was copied; the backup is taken again by a retry", e);
        }
        files.put(path, new FileList.Entry(size, sha256));
        copied++;
        bytes += size;
        if (copied % 200 == 0) {
          beat.progress("copied " + copied + " files (" + bytes / (1024 * 1024) + " MiB)");
        }
      }
    }
    FileList list = new FileList(directories, files);
    list.write(out.resolve(FileList.NAME));
    return new Copy(list, copied, bytes);
  }

  /** Every path to back up, directories flagged true, in a stable order; what the rules skip left out. */
  static Map<String, Boolean> entries(Path dataDirectory) throws IOException {
    Map<String, Boolean> entries = new TreeMap<>();
    Path root = dataDirectory.toRealPath();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
        if (directory.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        String path = relative(root, directory);
        Decision decision = DataDirectoryRules.decide(path, true);
        if (decision == Decision.SKIP) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        entries.put(path, true);
        return decision == Decision.KEEP_EMPTY ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        String path = relative(root, file);
        if (attributes.isSymbolicLink()) {
          if (path.equals("pg_wal")) {
            entries.put(path, true); // WAL kept on another disk: only the directory is backed up
            return FileVisitResult.CONTINUE;
          }
          throw new IllegalStateException(path.startsWith("pg_tblspc/")
              ? "the server has a tablespace outside the data directory (" + path + "); backups of tablespaces are not supported"
              : path + " in the data directory is a symbolic link; only pg_wal may be one");
        }
        if (!attributes.isRegularFile()) {
          return FileVisitResult.CONTINUE;
        }
        if (DataDirectoryRules.decide(path, false) == Decision.COPY) {
          entries.put(path, false);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE; // removed while the backup ran
        }
        throw e;
      }
    });
    return entries;
  }

  /** The SHA-256 of {@code size} bytes of a file, read as {@link Tar.Writer#file} would copy them. */
  static String sha256(Path file, long size) throws IOException {
    try (Tar.Writer sink = new Tar.Writer(OutputStream.nullOutputStream())) {
      return sink.file("f", file, size);
    }
  }

  private static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  private static boolean sameDirectory(Path one, Path other) {
    try {
      return one.toRealPath().equals(other.toRealPath());
    } catch (IOException e) {
      return one.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize());
    }
  }

  static String show(Connection session, String setting) throws SQLException {
    try (PreparedStatement statement = session.prepareStatement("SELECT current_setting(?)")) {
      statement.setString(1, setting);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  static String query(Connection session, String sql) throws SQLException {
    try (Statement statement = session.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}
