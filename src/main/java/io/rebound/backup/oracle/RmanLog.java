package io.rebound.backup.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an RMAN log says: whether RMAN reached its last line, every backup piece it wrote, the error stack that
 * ended it, errors it met and got past (a channel failing over to another copy), and, in one sentence an operator
 * can act on, what failed and why.
 *
 * <p>The lines read are the ones RMAN prints in every release from 11g to 23ai:
 * <pre>
 * channel rb1: finished piece 1 at 2026-11-30 01:00:19
 * piece handle=/srv/rebound/backup-work/b1/0b2c3d4e_1_1 tag=RB_B1 comment=NONE
 * Finished backup at 2026-11-30 01:00:40
 * RMAN-00571: ===========================================================
 * RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============
 * RMAN-00571: ===========================================================
 * RMAN-03002: failure of recover command at 11/30/2026 14:10:11
 * RMAN-06054: media recovery requesting unknown archived log for thread 1 with sequence 228 and starting SCN of 26651733
 * Recovery Manager complete.
 * </pre>
 * Decisions rest on message numbers (RMAN-, ORA-) and the figures and names inside those messages; the words around
 * them are those of {@code NLS_LANG}, which {@link RmanInvocation} sets to AMERICAN. Lines 23ai adds after an error
 * ({@code Help: https://docs.oracle.com/error-help/...}) and the operating system's lines ({@code Linux-x86_64 Error:
 * 2: No such file or directory}) are kept with the error they explain.
 */
public record RmanLog(boolean complete, List<WrittenPiece> pieces, List<String> errorStack, List<String> warnings, String failedCommand,
    RequestedLog requestedLog, List<String> datafiles, int deletedObjects) {

  /** A piece RMAN wrote: its handle (the file's path for disk) and the tag it carries; none for an autobackup. */
  public record WrittenPiece(String handle, String tag) {}

  /**
   * The archived log recovery asked for and did not find (RMAN-06054) or found no backup of (RMAN-06025): the
   * point the available logs reach.
   */
  public record RequestedLog(int thread, long sequence, String startScn) {}

  static final String COMPLETE = "Recovery Manager complete.";
  private static final Pattern STACK_START = Pattern.compile("^RMAN-00569: .*");
  private static final Pattern CODE = Pattern.compile("^(?:channel \\S+: )?((?:RMAN|ORA)-\\d{5}): ?(.*)$");
  private static final Pattern PIECE = Pattern.compile("^piece handle=(.+?)(?: tag=(\\S*))? comment=.*$");
  private static final Pattern FAILURE_OF = Pattern.compile("^failure of (.+?) command (?:on \\S+ channel )?at .*$");
  private static final Pattern REQUESTED = Pattern.compile(".*\\bthread (\\d+) with sequence (\\d+) and starting SCN of (\\d+).*");
  private static final Pattern DATAFILE_NUMBER = Pattern.compile(".*\\bdatafile (\\d+)\\b.*");
  private static final Pattern DATA_FILE = Pattern.compile("^data file (\\d+): '(.*)'$");
  private static final Pattern QUOTED_FILE = Pattern.compile(".*\"(.+)\".*");
  private static final Pattern PIECE_NAME = Pattern.compile("^error while restoring backup piece (.+)$");
  private static final Pattern ARCHIVED_LOG_NAME = Pattern.compile("^archived log file name=(\\S+)(?: .*)?$");
  private static final Pattern DELETED = Pattern.compile("^Deleted (\\d+) objects?$");
  /** An operating system's explanation of an ORA- error: {@code Linux-x86_64 Error: 2: No such file or directory}. */
  private static final Pattern OS_ERROR = Pattern.compile("^\\S+ Error: \\d+: .*$");

  public RmanLog {
    pieces = List.copyOf(pieces);
    errorStack = List.copyOf(errorStack);
    warnings = List.copyOf(warnings);
    datafiles = List.copyOf(datafiles);
  }

  public static RmanLog parse(List<String> lines) {
    boolean complete = false;
    boolean inStack = false;
    List<WrittenPiece> pieces = new ArrayList<>();
    List<String> stack = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int deleted = 0;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.equals(COMPLETE)) {
        complete = true;
        inStack = false;
        continue;
      }
      if (STACK_START.matcher(line).matches()) {
        inStack = true;
        continue;
      }
      Matcher piece = PIECE.matcher(line);
      if (piece.matches()) {
        pieces.add(new WrittenPiece(piece.group(1), piece.group(2)));
        continue;
      }
      Matcher deletedLine = DELETED.matcher(line);
      if (deletedLine.matches()) {
        deleted += Integer.parseInt(deletedLine.group(1));
        continue;
      }
      Matcher code = CODE.matcher(line);
      if (code.matches()) {
        if (code.group(1).equals("RMAN-00571")) {
          continue;
        }
        String message = code.group(1) + ": " + code.group(2);
        (inStack ? stack : warnings).add(message);
      } else if (inStack && !line.startsWith("RMAN>")) {
        stack.add(line);
      }
    }
    return new RmanLog(complete, pieces, stack, warnings, failedCommand(stack), requestedLog(stack), datafiles(stack), deleted);
  }

  /**
   * The archived logs a {@code DELETE ARCHIVELOG} deleted, by file name, in the order RMAN deleted them: the
   * {@code archived log file name=} line after each {@code deleted archived log}. A log RMAN kept (RMAN-08137,
   * RMAN-08138) is named after its warning instead, and is not among them.
   */
  public static List<String> deletedArchivedLogs(List<String> lines) {
    List<String> deleted = new ArrayList<>();
    boolean announced = false;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.equals("deleted archived log")) {
        announced = true;
        continue;
      }
      Matcher name = ARCHIVED_LOG_NAME.matcher(line);
      if (announced && name.matches()) {
        deleted.add(name.group(1));
      }
      announced = false;
    }
    return deleted;
  }

  /** RMAN reached its last line with no error stack: every command of the file ran. */
  public boolean succeeded() {
    return complete && errorStack.isEmpty();
  }

  /** The pieces written with a tag (not the autobackups, which carry none). */
  public List<String> handlesTagged(String tag) {
    return pieces.stream().filter(piece -> tag.equals(piece.tag())).map(WrittenPiece::handle).toList();
  }

  /** The message numbers of the error stack, in order. */
  public List<String> errorCodes() {
    return errorStack.stream().map(CODE::matcher).filter(Matcher::matches).map(matcher -> matcher.group(1)).toList();
  }

  /**
   * What failed and why, in one sentence; none when RMAN succeeded.
   *
   * @param exitCode RMAN's exit code, when it has ended
   */
  public Optional<String> failure(Integer exitCode) {
    if (succeeded() && (exitCode == null || exitCode == 0)) {
      return Optional.empty();
    }
    if (errorStack.isEmpty()) {
      if (!complete) {
        return Optional.of("RMAN ended before its last line (\"" + COMPLETE + "\")" + exited(exitCode)
            + ": it was killed or its host went down; its log shows how far it got");
      }
      return Optional.of("RMAN exited with code " + exitCode + " without an error stack: its log tells why");
    }
    String during = failedCommand == null ? "RMAN failed" : "The RMAN " + failedCommand + " command failed";
    List<String> codes = errorCodes();
    if (requestedLog != null && codes.contains("RMAN-06054")) {
      return Optional.of(during + ": recovery needs archived log sequence " + requestedLog.sequence() + " of thread " + requestedLog.thread()
          + ", which starts at SCN " + requestedLog.startScn() + " and is in no downloaded piece: the logs reach SCN "
          + requestedLog.startScn() + "; restore to a point before it, or ship and download that log (RMAN-06054)");
    }
    if (requestedLog != null && codes.contains("RMAN-06025")) {
      return Optional.of(during + ": no backup of archived log sequence " + requestedLog.sequence() + " of thread " + requestedLog.thread()
          + " (from SCN " + requestedLog.startScn() + ") was cataloged: the log batch holding it is missing from the download directory"
          + " (RMAN-06025)");
    }
    if (codes.contains("RMAN-06023")) {
      String file = message("RMAN-06023").map(DATAFILE_NUMBER::matcher).filter(Matcher::matches).map(m -> " " + m.group(1)).orElse("");
      return Optional.of(during + ": no backup of datafile" + file + " was found to restore: the FULL backup's pieces are missing from"
          + " the download directory, or they belong to another database or incarnation than the control file (RMAN-06023)");
    }
    if (codes.contains("ORA-01152") || codes.contains("ORA-01547")) {
      return Optional.of(during + ": " + files("datafile") + " is not consistent at the recovery point: it was restored from a backup"
          + " that ends after the point, or the logs stop before the backup's end; choose a point after the backup ended (ORA-01152)");
    }
    if (codes.contains("ORA-19870")) {
      String piece = message("ORA-19870").map(PIECE_NAME::matcher).filter(Matcher::matches).map(m -> m.group(1)).orElse("a piece");
      return Optional.of(during + ": restoring backup piece " + piece + " failed: " + after("ORA-19870").orElse("see the log") + " (ORA-19870)");
    }
    if (codes.contains("ORA-19505") || codes.contains("ORA-27037")) {
      return Optional.of(during + ": RMAN cannot read " + quotedFile("ORA-19505").orElse("a file") + ": it is missing or the database's"
          + " OS user may not read it" + osError().map(error -> " (" + error + ")").orElse("") + " (ORA-19505)");
    }
    if (codes.contains("ORA-19504") || codes.contains("ORA-27040")) {
      return Optional.of(during + ": RMAN cannot create " + quotedFile("ORA-19504").orElse("a file") + ": its directory is missing or the"
          + " database's OS user may not write there" + osError().map(error -> " (" + error + ")").orElse("") + " (ORA-19504)");
    }
    String first = errorStack.stream().filter(line -> !line.startsWith("RMAN-03002") && !line.startsWith("RMAN-03009")).findFirst()
        .orElse(errorStack.get(0));
    return Optional.of(during + ": " + first);
  }

  private static String exited(Integer exitCode) {
    return exitCode == null ? "" : " and exited with code " + exitCode;
  }

  private String files(String fallback) {
    return datafiles.isEmpty() ? "a " + fallback : "datafile " + String.join(", datafile ", datafiles);
  }

  private Optional<String> message(String code) {
    return errorStack.stream().filter(line -> line.startsWith(code + ": ")).findFirst().map(line -> line.substring(code.length() + 2));
  }

  /** The line that follows an error in the stack: what it was caused by. */
  private Optional<String> after(String code) {
    for (int i = 0; i < errorStack.size() - 1; i++) {
      if (errorStack.get(i).startsWith(code + ": ")) {
        return Optional.of(errorStack.get(i + 1));
      }
    }
    return Optional.empty();
  }

  private Optional<String> quotedFile(String code) {
    return message(code).map(QUOTED_FILE::matcher).filter(Matcher::matches).map(m -> m.group(1));
  }

  private Optional<String> osError() {
    return errorStack.stream().filter(line -> OS_ERROR.matcher(line).matches()).findFirst();
  }

  private static String failedCommand(List<String> stack) {
    for (String line : stack) {
      if (line.startsWith("RMAN-03002: ") || line.startsWith("RMAN-03009: ")) {
        Matcher failure = FAILURE_OF.matcher(line.substring("RMAN-03002: ".length()));
        if (failure.matches()) {
          return failure.group(1);
        }
      }
    }
    return null;
  }

  private static RequestedLog requestedLog(List<String> stack) {
    for (String line : stack) {
      if (line.startsWith("RMAN-06054: ") || line.startsWith("RMAN-06025: ")) {
        Matcher requested = REQUESTED.matcher(line);
        if (requested.matches()) {
          return new RequestedLog(Integer.parseInt(requested.group(1)), Long.parseLong(requested.group(2)), requested.group(3));
        }
      }
    }
    return null;
  }

  /** The datafiles ORA-01110 names, as {@code <number> (<path>)}. */
  private static List<String> datafiles(List<String> stack) {
    List<String> files = new ArrayList<>();
    for (String line : stack) {
      if (line.startsWith("ORA-01110: ")) {
        Matcher file = DATA_FILE.matcher(line.substring("ORA-01110: ".length()));
        if (file.matches()) {
          files.add(file.group(1) + " (" + file.group(2) + ")");
        }
      }
    }
    return files;
  }
}
