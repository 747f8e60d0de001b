package io.rebound.restore.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Data Pump log file says: whether the job wrote its last line, its errors (each with the lines that
 * explain it), and the rows each table received. The format is the one impdp/expdp and {@code DBMS_DATAPUMP}
 * write:
 *
 * <pre>
 * Starting "SYSTEM"."REBOUND_IMP_1A2B":
 * Processing object type SCHEMA_EXPORT/TABLE/TABLE
 * . . imported "WINSTORE_ADMIN"."PRODUCTS"                  8.585 KB      40 rows
 * ORA-39083: Object type REF_CONSTRAINT:"WINSTORE_ADMIN"."FK_1" failed to create with error:
 * ORA-02298: cannot validate (WINSTORE_ADMIN.FK_1) - parent keys not found
 * Job "SYSTEM"."REBOUND_IMP_1A2B" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12
 * </pre>
 *
 * The words of these lines follow the language of the job's session; only the message numbers (ORA-,
 * KUP-...), the quoted names, the object paths ({@code SCHEMA_EXPORT/...}) and the figures do not. So
 * everything that decides an outcome is read from those: a line is an error by its message number, the
 * job has ended when a line names a job and closes with the elapsed time ({@code 0 00:00:12}), why a stopped
 * job stopped is told by the numbers it met last, and a table's rows are the last figure of a {@code . .}
 * line. Only success itself is read from the words of the last line (the sessions Rebound opens speak
 * AMERICAN): in any other words the job is reported ended, not succeeded.
 */
public record DataPumpLog(Outcome outcome, int reportedErrors, List<String> errors, List<String> warnings, Map<String, Long> rows,
    List<String> lastErrorCodes) {

  /**
   * How the job ended, as its last line says; RUNNING while there is no such line, ENDED when the line is
   * there but in words this parser does not read (whether the job completed or stopped is then told by the
   * job's state: a stopped job keeps its master table, a completed one does not).
   */
  public enum Outcome { RUNNING, SUCCEEDED, COMPLETED_WITH_ERRORS, FAILED, ENDED }

  /** Why a job that is NOT RUNNING stopped, as its log tells. */
  public enum StopCause {
    /** The instance went down under it (its log stops short, or ends on a shutdown error): restartable. */
    SHUTDOWN,
    /** It ended its log without any error: someone stopped it (STOP_JOB). */
    STOPPED_BY_OPERATOR,
    /** It stopped on an error of its own; restarting would meet the error again. */
    FATAL_ERROR
  }

  /**
   * Messages that a schema restore expects and that change nothing: the bootstrap created the users before
   * the import, so Data Pump reports them as existing (ORA-31684); PL/SQL created with compilation warnings
   * (ORA-39082) is invalid until the verify step recompiles it, which is what that step is for.
   */
  static final Set<String> EXPECTED = Set.of("ORA-31684", "ORA-39082");

  /** Errors that mean the instance or the job's connection went away: shutdown, instance end, lost connection. */
  static final Set<String> SHUTDOWN = Set.of("ORA-01089", "ORA-01090", "ORA-01092", "ORA-01034", "ORA-03113", "ORA-03114", "ORA-03135");

  /**
   * Errors that only frame another one ("unexpected error -1089", "at line", "master process exception"):
   * they say nothing of the cause on their own.
   */
  static final Set<String> FRAMING = Set.of("ORA-39097", "ORA-39065", "ORA-06512", "ORA-39014", "ORA-39029", "ORA-39126", "ORA-31671");

  /** A message number as Oracle prints it at the start of a line: ORA-39083, KUP-11007, LRM-00101... */
  private static final Pattern CODE = Pattern.compile("^([A-Z]{2,4}-\\d{5}):.*");
  /** A job named in quotes, and the elapsed time closing the line: the last line of a log, in any language. */
  private static final Pattern END = Pattern.compile("^.*\"[^\"]+\"\\.\"[^\"]+\".*\\s\\d+ \\d{2}:\\d{2}:\\d{2}\\s*$");
  private static final Pattern ENGLISH_END = Pattern.compile(
      "^Job \"[^\"]+\"\\.\"[^\"]+\" (successfully completed|completed with (\\d+) error\\(s\\)|stopped due to fatal error).*");
  /**
   * A table's rows: {@code . . <verb> "OWNER"."TABLE"[:"PARTITION"]  <size> <unit>  <rows> <word>}, the verb
   * before or after the name as the language puts it.
   */
  private static final Pattern ROWS = Pattern.compile("^\\. \\. (?:\\S+ )?(\"[^\"]+\"\\.\"[^\"]+\"(?::\"[^\"]+\")?)\\D*\\s[\\d.,]+ \\S+\\s+(\\d+) \\S+$");
  /** The object path of a "Processing object type" line, wherever the language puts it: SCHEMA_EXPORT/TABLE/TABLE and the like. */
  private static final Pattern OBJECT_PATH = Pattern.compile("^(?:.*\\s)?[A-Z]+(?:_[A-Z]+)*_EXPORT(?:/[A-Z_]+)+(?:\\s.*)?$");
  /** The Oracle error number quoted in "unexpected error -1089". */
  private static final Pattern QUOTED_NUMBER = Pattern.compile("\\s-(\\d{1,5})\\b");
  /** How many lines after an error explain it (the failing statement and its heading). */
  private static final int EXPLANATION_LINES = 3;
  private static final int LONGEST_LINE = 500;

  public DataPumpLog {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    rows = Map.copyOf(rows);
    lastErrorCodes = List.copyOf(lastErrorCodes);
  }

  public static DataPumpLog parse(List<String> lines) {
    Outcome outcome = Outcome.RUNNING;
    int reported = 0;
    int errorLines = 0;
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    // The message numbers since the last table or object path: what the job met last.
    Set<String> lastCodes = new LinkedHashSet<>();
    int explaining = 0;
    for (String raw : lines) {
      String line = raw.stripTrailing();
      if (line.isBlank()) {
        continue;
      }
      Matcher code = CODE.matcher(line);
      if (code.matches()) {
        lastCodes.add(code.group(1));
        Matcher number = QUOTED_NUMBER.matcher(line);
        if (FRAMING.contains(code.group(1)) && number.find()) {
          lastCodes.add("ORA-" + "0".repeat(Math.max(0, 5 - number.group(1).length())) + number.group(1));
        }
        if (EXPECTED.contains(code.group(1))) {
          warnings.add(line);
          explaining = 0;
        } else {
          errors.add(line);
          errorLines++;
          explaining = EXPLANATION_LINES;
        }
        continue;
      }
      Matcher ended = END.matcher(line);
      if (ended.matches()) {
        outcome = Outcome.ENDED;
        Matcher english = ENGLISH_END.matcher(line);
        if (english.matches()) {
          if (english.group(1).startsWith("successfully")) {
            outcome = Outcome.SUCCEEDED;
          } else if (english.group(2) != null) {
            outcome = Outcome.COMPLETED_WITH_ERRORS;
            reported = Integer.parseInt(english.group(2));
          } else {
            outcome = Outcome.FAILED;
          }
        }
        explaining = 0;
        continue;
      }
      if (outcome != Outcome.RUNNING) {
        // Lines after the last one: the job was restarted and writes on in the same log; what it met before is past.
        outcome = Outcome.RUNNING;
        lastCodes.clear();
      }
      Matcher rowLine = ROWS.matcher(line);
      if (rowLine.matches()) {
        rows.put(rowLine.group(1).replace("\"", ""), Long.parseLong(rowLine.group(2)));
        explaining = 0;
        lastCodes.clear();
      } else if (OBJECT_PATH.matcher(line).matches()) {
        explaining = 0;
        lastCodes.clear();
      } else if (explaining > 0) {
        errors.add(line.length() > LONGEST_LINE ? line.substring(0, LONGEST_LINE) + "…" : line);
        explaining--;
      }
    }
    return new DataPumpLog(outcome, reported == 0 ? errorLines : reported, errors, warnings, rows, List.copyOf(lastCodes));
  }

  /**
   * True when the job says it completed and nothing but expected warnings was reported. A last line in other
   * words ({@link Outcome#ENDED}) is not taken as success: the same shape closes a job stopped or killed by
   * an operator, and only the words tell them apart.
   */
  public boolean succeeded() {
    return (outcome == Outcome.SUCCEEDED || outcome == Outcome.COMPLETED_WITH_ERRORS) && errors.isEmpty();
  }

  public boolean ended() {
    return outcome != Outcome.RUNNING;
  }

  /**
   * Why the job stopped, for a job whose master table is there but no process runs it (NOT RUNNING). Only
   * a shutdown is worth a restart: a fatal error would stop it again, and an operator's STOP_JOB is a
   * decision Rebound must not undo.
   */
  public StopCause stopCause() {
    if (!ended()) {
      // The master process died before it could write its last line: the instance went down under it.
      return StopCause.SHUTDOWN;
    }
    if (lastErrorCodes.isEmpty()) {
      return StopCause.STOPPED_BY_OPERATOR;
    }
    boolean shutdown = lastErrorCodes.stream().anyMatch(SHUTDOWN::contains);
    boolean onlyShutdown = lastErrorCodes.stream().allMatch(c -> SHUTDOWN.contains(c) || FRAMING.contains(c));
    return shutdown && onlyShutdown ? StopCause.SHUTDOWN : StopCause.FATAL_ERROR;
  }
}
