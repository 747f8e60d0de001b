package io.rebound.backup.postgresql;

import io.rebound.backup.RecoveryPlan;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The settings a restore recovers with, written into the restored {@code postgresql.auto.conf} (after removing any
 * such settings the backup carried from an earlier restore): {@code restore_command} copying from the downloaded WAL,
 * the timeline of the plan, and for a point in time {@code recovery_target_time}, with
 * {@code recovery_target_action = 'promote'}. For {@code latest} there is no target: recovery replays every shipped
 * segment, which is exactly what {@code latest} means, and a target past the last record would make PostgreSQL stop
 * with "recovery ended before configured recovery target was reached".
 */
final class RecoverySettings {

  /** Settings a restore owns: removed from what the backup holds, then set. */
  static final List<String> OWNED = List.of("restore_command", "recovery_target", "recovery_target_time", "recovery_target_lsn",
      "recovery_target_xid", "recovery_target_name", "recovery_target_inclusive", "recovery_target_timeline",
      "recovery_target_action", "recovery_end_command");
  /** What a path may hold to be put into a shell command without quoting surprises. */
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9/._+-]*");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS'+00'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private RecoverySettings() {}

  static List<String> lines(Path walDirectory, RecoveryPlan plan) {
    String directory = walDirectory.toAbsolutePath().normalize().toString();
    if (!SAFE_PATH.matcher(directory).matches()) {
      throw new IllegalArgumentException("the WAL of a restore is read from " + directory + ", a path restore_command cannot hold"
          + " safely: the backup work directory may hold only letters, digits, '/', '.', '_', '+' and '-'");
    }
    List<String> lines = new ArrayList<>();
    lines.add("restore_command = " + quote("cp '" + directory + "/%f' '%p'"));
    lines.add("recovery_target_timeline = " + quote(Long.toString(plan.timeline())));
    if (!plan.point().isLatest()) {
      lines.add("recovery_target_time = " + quote(time(plan.recoverToTime())));
      lines.add("recovery_target_inclusive = 'on'");
    }
    lines.add("recovery_target_action = 'promote'");
    return List.copyOf(lines);
  }

  /** PostgreSQL's timestamp with time zone, to the microsecond it keeps: a commit at the point itself is kept. */
  static String time(Instant instant) {
    return TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /** {@code postgresql.auto.conf} with the restore's own settings in place of any the backup held. */
  static String rewrite(String autoConf, List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String line : autoConf.split("\n", -1)) {
      if (line.isEmpty() || owned(line)) {
        continue;
      }
      text.append(line).append('\n');
    }
    text.append("# written by a Rebound restore; removed again once the server is promoted\n");
    lines.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /** The file without the restore's settings, for after the promotion. */
  static String withoutRestore(String autoConf) {
    StringBuilder text = new StringBuilder();
    for (String line : autoConf.split("\n", -1)) {
      if (line.isEmpty() || owned(line) || line.startsWith("# written by a Rebound restore")) {
        continue;
      }
      text.append(line).append('\n');
    }
    return text.toString();
  }

  static boolean owned(String line) {
    String stripped = line.strip();
    int end = 0;
    while (end < stripped.length() && (Character.isLetterOrDigit(stripped.charAt(end)) || stripped.charAt(end) == '_')) {
      end++;
    }
    return OWNED.contains(stripped.substring(0, end).toLowerCase(Locale.ROOT));
  }

  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
