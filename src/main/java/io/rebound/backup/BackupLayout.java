package io.rebound.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where things are in the bucket, under the configured prefix:
 * {@code backups/<target>/YYYY/MM/DD/<backup id>/} for a backup's pieces and its {@code manifest.json}, and
 * {@code backups/<target>/logs/YYYY/MM/DD/<batch id>/} for a batch of shipped logs, dated by their start (UTC).
 */
public final class BackupLayout {

  public static final String MANIFEST = "manifest.json";
  static final String ROOT = "backups/";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

  private BackupLayout() {}

  /** The directory of a backup, relative to the prefix, ending with '/'. */
  public static String backupDirectory(String target, Instant start, String id) {
    return ROOT + name("target", target) + "/" + DAY.format(start) + "/" + name("backup id", id) + "/";
  }

  /** The directory of a batch of shipped logs, relative to the prefix, ending with '/'. */
  public static String logDirectory(String target, Instant start, String id) {
    return ROOT + name("target", target) + "/logs/" + DAY.format(start) + "/" + name("log batch id", id) + "/";
  }

  /** A piece's file name, checked: one path segment, nothing that climbs out of its directory. */
  public static String pieceName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals(MANIFEST)) {
      throw new IllegalArgumentException("piece name '" + name + "' must be one file name of letters, digits, '.', '_' and '-'"
          + " (and not " + MANIFEST + ")");
    }
    return name;
  }

  static String name(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' must be 1 to 100 letters, digits, '.', '_' and '-', starting with"
          + " a letter or digit");
    }
    return value;
  }
}
