package io.rebound.backup.postgresql;

import java.util.Set;

/**
 * What a backup of a data directory leaves out, as PostgreSQL documents for low-level backups ("Making a Base Backup
 * Using the Low Level API") and as {@code pg_basebackup} does: the server's runtime files, the WAL (shipped on its
 * own), the contents of directories the server empties or rebuilds at start, temporary files, and the files a restore
 * writes itself ({@code backup_label}, {@code tablespace_map}, the signal files).
 */
final class DataDirectoryRules {

  /** What to do with one path. */
  enum Decision { COPY, SKIP, KEEP_EMPTY }

  /** Directories kept, their contents never copied. */
  static final Set<String> EMPTIED = Set.of("pg_wal", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp",
      "pg_subtrans", "pg_replslot");
  /** Files at the top of the data directory never copied. */
  static final Set<String> TOP_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old",
      "tablespace_map", "tablespace_map.old", "recovery.signal", "standby.signal", "backup_manifest");

  private DataDirectoryRules() {}

  /** The decision for a path relative to the data directory ('/'-separated). */
  static Decision decide(String path, boolean directory) {
    String[] parts = path.split("/");
    String name = parts[parts.length - 1];
    if (name.startsWith("pgsql_tmp") || name.equals("pg_internal.init")) {
      return Decision.SKIP;
    }
    if (parts.length == 1 && !directory && TOP_FILES.contains(name)) {
      return Decision.SKIP;
    }
    if (parts.length == 1 && directory && EMPTIED.contains(name)) {
      return Decision.KEEP_EMPTY;
    }
    if (parts.length > 1 && EMPTIED.contains(parts[0])) {
      // pg_wal/archive_status is rebuilt by the server; nothing under these directories is copied.
      return Decision.SKIP;
    }
    return Decision.COPY;
  }

  /** pg_control is copied last, as pg_basebackup sends it: then it is never older than the files beside it. */
  static boolean isControlFile(String path) {
    return path.equals("global/pg_control");
  }
}
