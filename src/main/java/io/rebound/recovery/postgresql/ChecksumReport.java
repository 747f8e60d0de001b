package io.rebound.recovery.postgresql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code pg_checksums --check} (PostgreSQL 15) printed: the files with bad blocks, relative to the data
 * directory, and its own count; or that it could not check (a cluster that was not shut down cleanly).
 *
 * @param checked whether it checked the cluster at all
 * @param badBlocks by file, the blocks that failed, in the order printed
 * @param badChecksums the count it printed ({@code Bad checksums:}), or -1 when it printed none
 * @param summary one line for the triage's checks
 */
record ChecksumReport(boolean checked, Map<String, List<Long>> badBlocks, long badChecksums, String summary) {

  private static final Pattern FAILED = Pattern.compile("checksum verification failed in file \"([^\"]+)\", block (\\d+)");
  private static final Pattern BAD = Pattern.compile("^Bad checksums:\\s+(\\d+)", Pattern.MULTILINE);
  private static final Pattern SCANNED = Pattern.compile("^Files scanned:\\s+(\\d+)", Pattern.MULTILINE);
  private static final Pattern ERROR = Pattern.compile("pg_checksums: error: (.*)");

  static ChecksumReport read(String output, Path dataDirectory) {
    Map<String, List<Long>> bad = new LinkedHashMap<>();
    Matcher failed = FAILED.matcher(output);
    while (failed.find()) {
      bad.computeIfAbsent(relative(failed.group(1), dataDirectory), file -> new ArrayList<>()).add(Long.parseLong(failed.group(2)));
    }
    Matcher count = BAD.matcher(output);
    long badChecksums = count.find() ? Long.parseLong(count.group(1)) : -1;
    Matcher scanned = SCANNED.matcher(output);
    if (!scanned.find()) {
      Matcher error = ERROR.matcher(output);
      String why = error.find() ? error.group(1).strip() : output.strip();
      return new ChecksumReport(false, Map.of(), -1, "pg_checksums --check could not check: " + why);
    }
    String summary = "pg_checksums --check: " + scanned.group(1) + " files scanned, " + Math.max(badChecksums, 0) + " bad checksums"
        + (bad.isEmpty() ? "" : " in " + String.join(", ", bad.keySet()));
    return new ChecksumReport(true, bad, badChecksums, summary);
  }

  private static String relative(String file, Path dataDirectory) {
    Path path = Path.of(file);
    Path data = dataDirectory.toAbsolutePath().normalize();
    if (path.isAbsolute() && path.normalize().startsWith(data)) {
      return data.relativize(path.normalize()).toString();
    }
    return file.startsWith("./") ? file.substring(2) : file;
  }
}
