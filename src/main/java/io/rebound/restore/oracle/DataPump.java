package io.rebound.restore.oracle;

import io.rebound.restore.JobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The PL/SQL that drives Data Pump through {@code DBMS_DATAPUMP}: a named job is opened, started and
 * left running (the session detaches), then looked at by name. A job whose node died is found again by
 * its name; a stopped job (its master table still there) is restarted where it stopped.
 */
public final class DataPump {

  /** The substitution variable that makes Data Pump number the files of a dump file set: 01, 02... */
  static final String FILE_NUMBER = "%U";

  /**
   * The parameters of a job, as Rebound sets them.
   *
   * @param dumpFile the dump file, or a file set named with {@code %U} (one file per worker, numbered 01, 02...)
   */
  public record JobParameters(String operation, String jobName, String directory, String dumpFile, String logFile,
      List<String> schemas, int parallel) {

    public JobParameters {
      schemas = List.copyOf(schemas);
      if (parallel < 1) {
        throw new IllegalArgumentException("Data Pump parallelism must be at least 1, not " + parallel);
      }
      if (operation.equals("EXPORT") && parallel > 1 && !isFileSet(dumpFile)) {
        // Each worker writes its own file; with one file name the workers wait on it, or the job stops (ORA-39095).
        throw new IllegalArgumentException("an export with PARALLEL=" + parallel + " needs a dump file set named with "
            + FILE_NUMBER + ", not " + dumpFile);
      }
    }

    /** The first file of the dump (the only one unless the dump is a {@code %U} file set). */
    public String firstFile() {
      return firstFileOf(dumpFile);
    }

    /** The job's parameters in impdp/expdp notation, for the plan and the audit trail. */
    public List<String> describe() {
      boolean isImport = operation.equals("IMPORT");
      List<String> lines = new java.util.ArrayList<>(List.of(
          "DBMS_DATAPUMP " + operation + " job " + jobName,
          "SCHEMAS=" + String.join(",", schemas),
          "DIRECTORY=" + directory,
          "DUMPFILE=" + dumpFile,
          "LOGFILE=" + logFile));
      if (isFileSet(dumpFile)) {
        // What an approver, and whoever restores this dump later, has to know: it is several files.
        lines.add("DUMPFILE_SET=" + firstFile() + ", " + dumpFile.replace("%U", "02").replace("%u", "02")
            + "... : one file per worker, numbered by Data Pump; restore it by naming " + dumpFile);
      }
      if (isImport) {
        lines.add("TABLE_EXISTS_ACTION=REPLACE");
        lines.add("EXCLUDE=STATISTICS");
      }
      lines.add("PARALLEL=" + parallel);
      return lines;
    }

    /**
     * The job as a plan carries it: the lines shown to the approver ({@link #describe()}) and, apart from them, the
     * parameters as data ({@link #of(JobSpec)} reads them back); nothing reads the shown lines back.
     */
    public JobSpec spec() {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("operation", operation);
      settings.put("jobName", jobName);
      settings.put("directory", directory);
      settings.put("dumpFile", dumpFile);
      settings.put("logFile", logFile);
      // Names validated as identifiers: no comma in them.
      settings.put("schemas", String.join(",", schemas));
      settings.put("parallel", Integer.toString(parallel));
      return new JobSpec(jobName, dumpFile, describe(), settings);
    }

    /** The parameters of a job as a plan carries them ({@link #spec()}). */
    public static JobParameters of(JobSpec job) {
      return new JobParameters(job.setting("operation"), job.setting("jobName"), job.setting("directory"), job.setting("dumpFile"),
          job.setting("logFile"), List.of(job.setting("schemas").split(",")), Integer.parseInt(job.setting("parallel")));
    }

    /** The value of the SCHEMA_LIST filter: {@code 'A','B'} (names validated, so quoting them is safe). */
    String schemaList() {
      return schemas.stream().map(s -> "'" + s + "'").collect(Collectors.joining(","));
    }
  }

  private DataPump() {}

  /**
   * The parallelism a job gets on this server: parallel Data Pump is an Enterprise Edition feature (and of
   * Personal Edition, which has the Enterprise features); Standard Edition 2, Express and Free refuse a
   * degree above 1 (ORA-39094), so they get 1 whatever is configured.
   *
   * @param product the server's product line, from PRODUCT_COMPONENT_VERSION; null when unknown
   */
  static int parallelism(String product, int configured) {
    boolean parallelEdition = product != null && (product.contains("Enterprise Edition") || product.contains("Personal"));
    return parallelEdition ? Math.max(1, configured) : 1;
  }

  /** Whether a dump file name is a file set numbered by Data Pump ({@code name_%U.dmp}). */
  static boolean isFileSet(String dumpFile) {
    return dumpFile.toUpperCase(java.util.Locale.ROOT).contains(FILE_NUMBER);
  }

  /** The first file of a dump: {@code %U} numbers files from 01. */
  static String firstFileOf(String dumpFile) {
    return dumpFile.replace("%U", "01").replace("%u", "01");
  }

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

  /**
   * Attaches to a stopped job and starts it again where it stopped, at most a given number of times. The
   * restarts are counted in a file next to the job's log, written before the restart, so every node sees
   * the same count and a node dying halfway never restarts once too often. Binds: 1 directory, 2 count
   * file, 3 most restarts, 4 job name, 5 owner (in); 6 restarts so far including this one, 7 1 if restarted
   * now, 0 if the limit was reached (out).
   */
  static final String RESTART_BLOCK = """
      DECLARE
        v_directory VARCHAR2(128) := ?;
        v_file      VARCHAR2(4000) := ?;
        v_limit     NUMBER := ?;
        v_job       VARCHAR2(128) := ?;
        v_owner     VARCHAR2(128) := ?;
        v_count     NUMBER := 0;
        v_exists    BOOLEAN;
        v_length    NUMBER;
        v_block     BINARY_INTEGER;
        v_line      VARCHAR2(100);
        v_restarted NUMBER := 0;
        f           UTL_FILE.FILE_TYPE;
        h           NUMBER;
      BEGIN
        UTL_FILE.FGETATTR(v_directory, v_file, v_exists, v_length, v_block);
        IF v_exists THEN
          f := UTL_FILE.FOPEN(v_directory, v_file, 'r', 100);
          BEGIN
            UTL_FILE.GET_LINE(f, v_line);
            v_count := NVL(TO_NUMBER(TRIM(v_line)), 0);
          EXCEPTION WHEN NO_DATA_FOUND THEN
            NULL;
          END;
          UTL_FILE.FCLOSE(f);
        END IF;
        IF v_count < v_limit THEN
          v_count := v_count + 1;
          f := UTL_FILE.FOPEN(v_directory, v_file, 'w', 100);
          UTL_FILE.PUT_LINE(f, TO_CHAR(v_count));
          UTL_FILE.FCLOSE(f);
          h := DBMS_DATAPUMP.ATTACH(job_name => v_job, job_owner => v_owner);
          DBMS_DATAPUMP.START_JOB(handle => h, skip_current => 0);
          DBMS_DATAPUMP.DETACH(handle => h);
          v_restarted := 1;
        END IF;
        ? := v_count;
        ? := v_restarted;
      END;""";

  /** The file that counts a job's restarts, next to its log. */
  static String restartCountFile(JobParameters job) {
    return job.logFile() + ".restarts";
  }

  /** Removes a file of a DIRECTORY if it is there (and the DIRECTORY is). Binds: 1 directory, 2 file. */
  static final String REMOVE_FILE_BLOCK = """
      DECLARE
        v_directory VARCHAR2(128) := ?;
        v_file      VARCHAR2(4000) := ?;
        v_exists    BOOLEAN;
        v_length    NUMBER;
        v_block     BINARY_INTEGER;
      BEGIN
        BEGIN
          UTL_FILE.FGETATTR(v_directory, v_file, v_exists, v_length, v_block);
        EXCEPTION WHEN UTL_FILE.INVALID_PATH THEN
          v_exists := FALSE;
        END;
        IF v_exists THEN
          UTL_FILE.FREMOVE(v_directory, v_file);
        END IF;
      END;""";

  /**
   * Reads a text file of a DIRECTORY (the job log) into a CLOB; NULL when it does not exist, or when the
   * DIRECTORY itself does not exist yet (UTL_FILE.INVALID_PATH, ORA-29280: a fresh target before its first
   * bootstrap). Binds: 1 directory, 2 file (in); 3 content (out, CLOB).
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
        BEGIN
          UTL_FILE.FGETATTR(v_directory, v_file, v_exists, v_length, v_block);
        EXCEPTION WHEN UTL_FILE.INVALID_PATH THEN
          v_exists := FALSE;
        END;
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
