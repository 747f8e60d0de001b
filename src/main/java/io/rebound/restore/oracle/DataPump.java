package io.rebound.restore.oracle;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The PL/SQL that drives Data Pump through {@code DBMS_DATAPUMP}: a named job is opened, started and
 * left running (the session detaches), then looked at by name. A job whose node died is found again by
 * its name; a stopped job (its master table still there) is restarted where it stopped.
 */
public final class DataPump {

  /** The parameters of a job, as Rebound sets them. */
  public record JobParameters(String operation, String jobName, String directory, String dumpFile, String logFile,
      List<String> schemas, int parallel) {

    /** The job's parameters in impdp/expdp notation, for the plan and the audit trail. */
    public List<String> describe() {
      boolean isImport = operation.equals("IMPORT");
      List<String> lines = new java.util.ArrayList<>(List.of(
          "DBMS_DATAPUMP " + operation + " job " + jobName,
          "SCHEMAS=" + String.join(",", schemas),
          "DIRECTORY=" + directory,
          "DUMPFILE=" + dumpFile,
          "LOGFILE=" + logFile));
      if (isImport) {
        lines.add("TABLE_EXISTS_ACTION=REPLACE");
        lines.add("EXCLUDE=STATISTICS");
      }
      lines.add("PARALLEL=" + parallel);
      return lines;
    }

    /** Reads back the parameters from {@link #describe()}, as a plan stores them. */
    public static JobParameters fromDescription(List<String> lines) {
      java.util.Map<String, String> values = new java.util.HashMap<>();
      String[] head = lines.get(0).split(" ");
      for (String line : lines.subList(1, lines.size())) {
        int equals = line.indexOf('=');
        values.put(line.substring(0, equals), line.substring(equals + 1));
      }
      return new JobParameters(head[1], head[3], values.get("DIRECTORY"), values.get("DUMPFILE"), values.get("LOGFILE"),
          List.of(values.get("SCHEMAS").split(",")), Integer.parseInt(values.get("PARALLEL")));
    }

    /** The value of the SCHEMA_LIST filter: {@code 'A','B'} (names validated, so quoting them is safe). */
    String schemaList() {
      return schemas.stream().map(s -> "'" + s + "'").collect(Collectors.joining(","));
    }
  }

  private DataPump() {}

  /**
   * Opens and starts the job, then detaches; the job runs on in the database. Binds: 1 job name,
   * 2 dump file, 3 directory, 4 log file, 5 directory, 6 schema list, 7 parallel.
   */
  static String startBlock(JobParameters job) {
    boolean isImport = job.operation().equals("IMPORT");
    return """
        DECLARE
          h NUMBER;
        BEGIN
          h := DBMS_DATAPUMP.OPEN(operation => '%s', job_mode => 'SCHEMA', job_name => ?);
          DBMS_DATAPUMP.ADD_FILE(handle => h, filename => ?, directory => ?,
                                 filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_DUMP_FILE%s);
          DBMS_DATAPUMP.ADD_FILE(handle => h, filename => ?, directory => ?,
                                 filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_LOG_FILE, reusefile => 1);
          DBMS_DATAPUMP.METADATA_FILTER(handle => h, name => 'SCHEMA_LIST', value => ?);
        %s  DBMS_DATAPUMP.SET_PARALLEL(handle => h, degree => ?);
          DBMS_DATAPUMP.START_JOB(handle => h);
          DBMS_DATAPUMP.DETACH(handle => h);
        END;""".formatted(
        isImport ? "IMPORT" : "EXPORT",
        isImport ? "" : ", reusefile => 1",
        isImport
            ? "  DBMS_DATAPUMP.SET_PARAMETER(handle => h, name => 'TABLE_EXISTS_ACTION', value => 'REPLACE');\n"
                + "  DBMS_DATAPUMP.METADATA_FILTER(handle => h, name => 'EXCLUDE_PATH_EXPR', value => 'IN (''STATISTICS'')');\n"
            : "");
  }

  /** The job's state if its master table exists: binds 1 job name, 2 owner. */
  static final String JOB_STATE = "SELECT state FROM dba_datapump_jobs WHERE job_name = ? AND owner_name = ?";

  /**
   * Attaches to a running job and reads its state, percent done and the errors it reported so far, then
   * detaches. Binds: 1 job name, 2 owner (in); 3 state, 4 percent done, 5 error lines (out).
   */
  static final String STATUS_BLOCK = """
      DECLARE
        h         NUMBER;
        job_state VARCHAR2(30);
        status    ku$_Status;
        errors    VARCHAR2(32767);
        i         NUMBER;
      BEGIN
        h := DBMS_DATAPUMP.ATTACH(job_name => ?, job_owner => ?);
        DBMS_DATAPUMP.GET_STATUS(handle => h,
                                 mask => DBMS_DATAPUMP.KU$_STATUS_JOB_STATUS + DBMS_DATAPUMP.KU$_STATUS_JOB_ERROR,
                                 timeout => 0, job_state => job_state, status => status);
        IF status.error IS NOT NULL AND status.error.COUNT > 0 THEN
          i := status.error.FIRST;
          WHILE i IS NOT NULL AND NVL(LENGTH(errors), 0) < 30000 LOOP
            errors := errors || status.error(i).LogText || CHR(10);
            i := status.error.NEXT(i);
          END LOOP;
        END IF;
        ? := job_state;
        ? := status.job_status.percent_done;
        ? := errors;
        DBMS_DATAPUMP.DETACH(handle => h);
      END;""";

  /** Attaches to a stopped job and starts it again where it stopped. Binds: 1 job name, 2 owner. */
  static final String RESTART_BLOCK = """
      DECLARE
        h NUMBER;
      BEGIN
        h := DBMS_DATAPUMP.ATTACH(job_name => ?, job_owner => ?);
        DBMS_DATAPUMP.START_JOB(handle => h, skip_current => 0);
        DBMS_DATAPUMP.DETACH(handle => h);
      END;""";

  /**
   * Reads a text file of a DIRECTORY (the job log) into a CLOB; NULL when it does not exist.
   * Binds: 1 directory, 2 file (in); 3 content (out, CLOB).
   */
  static final String READ_FILE_BLOCK = """
      DECLARE
        f    UTL_FILE.FILE_TYPE;
        line VARCHAR2(32767);
        text CLOB;
        v_exists BOOLEAN;
        v_length NUMBER;
        v_block  BINARY_INTEGER;
        v_directory VARCHAR2(128) := ?;
        v_file      VARCHAR2(4000) := ?;
      BEGIN
        UTL_FILE.FGETATTR(v_directory, v_file, v_exists, v_length, v_block);
        IF v_exists THEN
          DBMS_LOB.CREATETEMPORARY(text, TRUE);
          f := UTL_FILE.FOPEN(v_directory, v_file, 'r', 32767);
          BEGIN
            LOOP
              UTL_FILE.GET_LINE(f, line);
              DBMS_LOB.APPEND(text, line || CHR(10));
            END LOOP;
          EXCEPTION WHEN NO_DATA_FOUND THEN
            UTL_FILE.FCLOSE(f);
          END;
        END IF;
        ? := text;
      END;""";
}
