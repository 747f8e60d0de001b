package io.rebound.recovery.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed {@code ALTER DATABASE OPEN} says about the datafiles it could not open, read from its message (the
 * text of the driver's {@code SQLException}, or SQL*Plus output): ORA-01157 (a file cannot be identified or locked:
 * missing, or unreadable), ORA-01113 (a file needs media recovery), ORA-01110 (the name of the file the error before it
 * is about), and the operating system's reason that ORA-27037/ORA-27041 carry. Oracle stops at the first file it cannot
 * open, so this names one file, or a few; {@code V$RECOVER_FILE} names them all.
 *
 * <pre>
 * ORA-01157: cannot identify/lock data file 7 - see DBWR trace file
 * ORA-01110: data file 7: '/u02/oradata/ORCL/users01.dbf'
 * ORA-01113: file 4 needs media recovery
 * ORA-01110: data file 4: '/u02/oradata/ORCL/undotbs01.dbf'
 * </pre>
 *
 * Lines 23ai adds ({@code Help: https://docs.oracle.com/error-help/db/ora-01157/}) and lines that are not errors are
 * skipped.
 *
 * @param files the datafiles named, in the order the message names them, each once
 * @param errors every ORA- line of the message, for the report
 */
public record OpenFailure(List<DamagedFile> files, List<String> errors) {

  /** Why a file stops the open. */
  public enum Problem {
    /** ORA-01157: the file cannot be found, opened or locked; it must be restored (or brought back by the system). */
    MISSING,
    /** ORA-01113: the file is there but older than the control file: it needs media recovery. */
    NEEDS_RECOVERY
  }

  /**
   * A datafile the open failed on.
   *
   * @param name its name as ORA-01110 gives it; none when the message does not carry it
   * @param reason the operating system's words, when the message carries them ({@code Linux-x86_64 Error: 2: No such file
   *     or directory})
   */
  public record DamagedFile(int number, Optional<String> name, Problem problem, Optional<String> reason) {}

  private static final Pattern ERROR = Pattern.compile("^(ORA-\\d{5}): ?(.*)$");
  private static final Pattern CANNOT_LOCK = Pattern.compile("^cannot identify/lock data file (\\d+)\\b.*$");
  private static final Pattern NEEDS_RECOVERY = Pattern.compile("^file (\\d+) needs media recovery\\b.*$");
  private static final Pattern FILE_NAME = Pattern.compile("^data file (\\d+): '(.*)'$");
  private static final Pattern OS_ERROR = Pattern.compile("^\\S+ Error: \\d+: .*$");

  public OpenFailure {
    files = List.copyOf(files);
    errors = List.copyOf(errors);
  }

  /** The failure a message describes; no files when it names none (not a media problem). */
  public static OpenFailure parse(String message) {
    Map<Integer, DamagedFile> files = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Integer last = null;
    for (String raw : (message == null ? "" : message).split("\\R")) {
      String line = raw.strip();
      int at = line.indexOf("ORA-");
      if (at > 0 && line.startsWith("java.sql.")) {
        line = line.substring(at);
      }
      if (OS_ERROR.matcher(line).matches() && last != null) {
        DamagedFile file = files.get(last);
        if (file.reason().isEmpty()) {
          files.put(last, new DamagedFile(file.number(), file.name(), file.problem(), Optional.of(line)));
        }
        continue;
      }
      Matcher error = ERROR.matcher(line);
      if (!error.matches()) {
        continue;
      }
      errors.add(line);
      String code = error.group(1);
      String text = error.group(2).strip();
      Matcher match;
      if (code.equals("ORA-01157") && (match = CANNOT_LOCK.matcher(text)).matches()) {
        last = note(files, Integer.parseInt(match.group(1)), Problem.MISSING);
      } else if (code.equals("ORA-01113") && (match = NEEDS_RECOVERY.matcher(text)).matches()) {
        last = note(files, Integer.parseInt(match.group(1)), Problem.NEEDS_RECOVERY);
      } else if (code.equals("ORA-01110") && (match = FILE_NAME.matcher(text)).matches()) {
        int number = Integer.parseInt(match.group(1));
        DamagedFile file = files.get(number);
        if (file != null && file.name().isEmpty()) {
          files.put(number, new DamagedFile(number, Optional.of(match.group(2)), file.problem(), file.reason()));
        }
      }
    }
    return new OpenFailure(List.copyOf(files.values()), errors);
  }

  /** A file named twice keeps the graver problem: a missing file needs restoring before any recovery. */
  private static int note(Map<Integer, DamagedFile> files, int number, Problem problem) {
    DamagedFile known = files.get(number);
    if (known == null) {
      files.put(number, new DamagedFile(number, Optional.empty(), problem, Optional.empty()));
    } else if (problem == Problem.MISSING && known.problem() != Problem.MISSING) {
      files.put(number, new DamagedFile(number, known.name(), Problem.MISSING, known.reason()));
    }
    return number;
  }

  /** Whether the open failed on datafiles (a media problem), rather than for another reason. */
  public boolean namesFiles() {
    return !files.isEmpty();
  }
}
