package io.rebound.restore.oracle;

import io.rebound.target.Target;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The last lines of a run's Data Pump job logs, which stay in the Oracle DIRECTORY on the database host: read over
 * JDBC, only the end of each file ({@code BFILENAME} and {@code DBMS_LOB.READ} from an offset, never the whole log),
 * every line through the redactor. The files are the ones the plan names for the run (the safety export's and the
 * import's); nothing else of the DIRECTORY is read.
 */
public final class DataPumpLogTail {

  /** The most lines shown of one log, as for the tools' logs on a node. */
  public static final int MAX_LINES = 40;

  /** The most bytes read from the end of a log: a RAW out parameter holds 32 767 at most. */
  static final int MAX_BYTES = 16 * 1024;

  /**
   * Reads the last bytes of a file of a DIRECTORY. NULL content and length -1 when the file or the DIRECTORY does
   * not exist (ORA-22285, a fresh target, a job that never started). Binds: 1 directory, 2 file, 3 most bytes (in);
   * 4 the bytes (out, RAW), 5 the file's length (out, NUMBER).
   */
  static final String TAIL_BLOCK = """
      DECLARE
        v_file   BFILE := BFILENAME(?, ?);
        v_most   INTEGER := ?;
        v_length INTEGER := -1;
        v_amount INTEGER;
        v_bytes  RAW(32767);
      BEGIN
        BEGIN
          IF DBMS_LOB.FILEEXISTS(v_file) = 1 THEN
            DBMS_LOB.FILEOPEN(v_file, DBMS_LOB.FILE_READONLY);
            v_length := DBMS_LOB.GETLENGTH(v_file);
            v_amount := LEAST(v_length, v_most);
            IF v_amount > 0 THEN
              DBMS_LOB.READ(v_file, v_amount, v_length - v_amount + 1, v_bytes);
            END IF;
            DBMS_LOB.FILECLOSE(v_file);
          END IF;
        EXCEPTION
          WHEN OTHERS THEN
            IF DBMS_LOB.FILEISOPEN(v_file) = 1 THEN
              DBMS_LOB.FILECLOSE(v_file);
            END IF;
            IF SQLCODE != -22285 THEN
              RAISE;
            END IF;
            v_length := -1;
        END;
        ? := v_bytes;
        ? := v_length;
      END;""";

  /** One log's tail: the job it belongs to, the file, its last lines (redacted), whether earlier lines were left out. */
  public record Tail(String job, String file, List<String> lines, boolean cut) {}

  private DataPumpLogTail() {}

  /**
   * The job logs a schema restore run writes in the target's DIRECTORY, by job: its safety export's and its import's,
   * named as the plan names them.
   */
  public static List<String[]> logFiles(String runId) {
    return List.of(new String[] {"safety-export", OracleJobs.safetyExportLog(runId)}, new String[] {"import", OracleJobs.importLog(runId)});
  }

  /** The target's DIRECTORY, as the plan names it. */
  public static String directory(Target target) {
    return OracleDumpFiles.directory(target);
  }

  /** The tails of the run's job logs that exist, safety export first; none before a job has written its log. */
  public static List<Tail> of(Connection connection, String directory, String runId, UnaryOperator<String> redactor) throws SQLException {
    List<Tail> tails = new ArrayList<>();
    for (String[] log : logFiles(runId)) {
      read(connection, directory, log[1], MAX_BYTES).ifPresent(bytes -> tails.add(tail(log[0], log[1], bytes.bytes(), bytes.length(), redactor)));
    }
    return tails;
  }

  /** The last bytes of a file and the file's length. */
  record Bytes(byte[] bytes, long length) {}

  static Optional<Bytes> read(Connection connection, String directory, String file, int most) throws SQLException {
    try (CallableStatement call = connection.prepareCall(TAIL_BLOCK)) {
      call.setString(1, directory);
      call.setString(2, file);
      call.setInt(3, most);
      call.registerOutParameter(4, Types.VARBINARY);
      call.registerOutParameter(5, Types.NUMERIC);
      call.execute();
      long length = call.getLong(5);
      if (length < 0) {
        return Optional.empty();
      }
      byte[] bytes = call.getBytes(4);
      return Optional.of(new Bytes(bytes == null ? new byte[0] : bytes, length));
    }
  }

  /**
   * The last lines of what was read from the end of a file of {@code length} bytes: a first line begun before the
   * bytes read is dropped, at most {@link #MAX_LINES} are kept, each redacted; {@code cut} when anything was left out.
   */
  static Tail tail(String job, String file, byte[] bytes, long length, UnaryOperator<String> redactor) {
    boolean cut = length > bytes.length;
    String text = new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (cut && !lines.isEmpty()) {
      lines.remove(0); // begun before the bytes read
    }
    if (lines.size() > MAX_LINES) {
      lines = new ArrayList<>(lines.subList(lines.size() - MAX_LINES, lines.size()));
      cut = true;
    }
    return new Tail(job, file, lines.stream().map(redactor).toList(), cut);
  }
}
