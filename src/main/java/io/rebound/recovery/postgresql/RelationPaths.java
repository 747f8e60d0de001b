package io.rebound.recovery.postgresql;

import io.rebound.recovery.AffectedFile;
import io.rebound.recovery.FileKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relation file known only by its path, as a log line or {@code pg_checksums} names it while the server is down: its
 * tablespace and kind read from the path itself. {@code global/} holds the shared catalogs; in a database directory, a
 * file number below 16384 (the first one a user object gets) is one initdb made, a system catalog.
 */
final class RelationPaths {

  static final long FIRST_NORMAL_OBJECT = 16384;

  private static final Pattern DEFAULT = Pattern.compile("base/(\\d+)/(\\d+)(?:_\\w+)?(?:\\.\\d+)?");
  private static final Pattern GLOBAL = Pattern.compile("global/(\\d+)(?:_\\w+)?(?:\\.\\d+)?");
  private static final Pattern TABLESPACE = Pattern.compile("pg_tblspc/(\\d+)/[^/]+/(\\d+)/(\\d+)(?:_\\w+)?(?:\\.\\d+)?");

  private RelationPaths() {}

  static AffectedFile affected(String path, String problem, Path dataDirectory) {
    boolean locationUsable = Files.isDirectory(dataDirectory.resolve(path).getParent());
    Matcher global = GLOBAL.matcher(path);
    if (global.matches()) {
      return new AffectedFile(path, "pg_global", FileKind.SYSTEM, "a shared system catalog (file " + global.group(1) + ")", locationUsable,
          problem);
    }
    Matcher base = DEFAULT.matcher(path);
    if (base.matches()) {
      return new AffectedFile(path, "pg_default", kind(base.group(2)), "file " + base.group(2) + " of database oid " + base.group(1),
          locationUsable, problem);
    }
    Matcher tablespace = TABLESPACE.matcher(path);
    if (tablespace.matches()) {
      return new AffectedFile(path, "tablespace oid " + tablespace.group(1), kind(tablespace.group(3)), "file " + tablespace.group(3)
          + " of database oid " + tablespace.group(2), locationUsable, problem);
    }
    return new AffectedFile(path, null, FileKind.DATA, null, locationUsable, problem);
  }

  private static FileKind kind(String fileNumber) {
    return Long.parseLong(fileNumber) < FIRST_NORMAL_OBJECT ? FileKind.SYSTEM : FileKind.DATA;
  }
}
