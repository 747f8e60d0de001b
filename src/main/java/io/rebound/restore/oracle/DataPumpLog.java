package io.rebound.restore.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Data Pump log file says: how the job ended, its errors (each with the lines that explain it),
 * and the rows each table received. The format is the one impdp/expdp and {@code DBMS_DATAPUMP} write:
 *
 * <pre>
 * Starting "SYSTEM"."REBOUND_IMP_1A2B":
 * Processing object type SCHEMA_EXPORT/TABLE/TABLE
 * . . imported "WINSTORE_ADMIN"."PRODUCTS"                  8.585 KB      40 rows
 * ORA-39083: Object type REF_CONSTRAINT:"WINSTORE_ADMIN"."FK_1" failed to create with error:
 * ORA-02298: cannot validate (WINSTORE_ADMIN.FK_1) - parent keys not found
 * Job "SYSTEM"."REBOUND_IMP_1A2B" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12
 * </pre>
 */
public record DataPumpLog(Outcome outcome, int reportedErrors, List<String> errors, List<String> warnings, Map<String, Long> rows) {

  /** How the job ended, as its last line says; RUNNING while there is no such line. */
  public enum Outcome { RUNNING, SUCCEEDED, COMPLETED_WITH_ERRORS, FAILED }

  /**
   * Errors that a schema restore expects and that change nothing: the bootstrap created the users before
   * the import, so Data Pump reports them as existing (ORA-31684).
   */
  static final Set<String> EXPECTED = Set.of("ORA-31684");

  private static final Pattern END = Pattern.compile(
      "^Job \"[^\"]+\"\\.\"[^\"]+\" (successfully completed|completed with (\\d+) error\\(s\\)|stopped due to fatal error).*");
  private static final Pattern ORA = Pattern.compile("^(ORA-\\d{5}):.*");
  private static final Pattern ROWS = Pattern.compile("^\\. \\. (?:imported|exported) (\"[^\"]+\"\\.\"[^\"]+\"(?:\\:\"[^\"]+\")?)\\s+.*?\\s(\\d+) rows$");

  public DataPumpLog {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    rows = Map.copyOf(rows);
  }

  public static DataPumpLog parse(List<String> lines) {
    Outcome outcome = Outcome.RUNNING;
    int reported = 0;
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    boolean inExpected = false;
    for (String raw : lines) {
      String line = raw.stripTrailing();
      Matcher end = END.matcher(line);
      if (end.matches()) {
        if (end.group(1).startsWith("successfully")) {
          outcome = Outcome.SUCCEEDED;
        } else if (end.group(2) != null) {
          outcome = Outcome.COMPLETED_WITH_ERRORS;
          reported = Integer.parseInt(end.group(2));
        } else {
          outcome = Outcome.FAILED;
        }
        continue;
      }
      Matcher rowLine = ROWS.matcher(line);
      if (rowLine.matches()) {
        rows.put(rowLine.group(1).replace("\"", ""), Long.parseLong(rowLine.group(2)));
        inExpected = false;
        continue;
      }
      Matcher ora = ORA.matcher(line);
      if (ora.matches()) {
        // An ORA- line right after another continues its explanation (ORA-39083 then the cause).
        boolean expected = EXPECTED.contains(ora.group(1));
        if (expected) {
          warnings.add(line);
          inExpected = true;
        } else {
          errors.add(line);
          inExpected = false;
        }
      } else if (line.startsWith("Failing sql is:") && !inExpected && !errors.isEmpty()) {
        errors.add(line);
      } else if (!errors.isEmpty() && errors.get(errors.size() - 1).startsWith("Failing sql is:") && !line.isBlank()) {
        errors.add(line.length() > 500 ? line.substring(0, 500) + "…" : line);
      } else {
        inExpected = inExpected && !line.startsWith("Processing object type");
      }
    }
    return new DataPumpLog(outcome, reported, errors, warnings, rows);
  }

  /** True when the job has ended and nothing but expected warnings was reported. */
  public boolean succeeded() {
    return (outcome == Outcome.SUCCEEDED || outcome == Outcome.COMPLETED_WITH_ERRORS) && errors.isEmpty();
  }

  public boolean ended() {
    return outcome != Outcome.RUNNING;
  }
}
