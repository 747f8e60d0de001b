package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The tail of a Data Pump job log, read over JDBC from the DIRECTORY: the statement, what it binds, what is kept. */
class DataPumpLogTailTest {

  private static final UnaryOperator<String> REDACT = line -> line.replace("Secret-9", "***");

  @Test
  void shouldKeepEveryLineOfAShortLogRedacted() {
    byte[] log = "Starting \"SYSTEM\".\"REBOUND_IMP_1A2B\":\r\n. . imported \"A\".\"B\" 5 rows\nidentified by Secret-9\n".getBytes(StandardCharsets.UTF_8);

    DataPumpLogTail.Tail tail = DataPumpLogTail.tail("import", "rebound_import_1a2b.log", log, log.length, REDACT);

    assertThat(tail.job()).isEqualTo("import");
    assertThat(tail.file()).isEqualTo("rebound_import_1a2b.log");
    assertThat(tail.lines()).containsExactly("Starting \"SYSTEM\".\"REBOUND_IMP_1A2B\":", ". . imported \"A\".\"B\" 5 rows", "identified by ***");
    assertThat(tail.cut()).isFalse();
  }

  @Test
  void shouldDropTheLineBegunBeforeTheBytesReadAndSayTheLogWasCut() {
    byte[] end = "ted \"A\".\"B\" 5 rows\nJob \"SYSTEM\".\"X\" successfully completed".getBytes(StandardCharsets.UTF_8);

    DataPumpLogTail.Tail tail = DataPumpLogTail.tail("import", "f.log", end, end.length + 1, REDACT);

    assertThat(tail.lines()).containsExactly("Job \"SYSTEM\".\"X\" successfully completed");
    assertThat(tail.cut()).isTrue();
    assertThat(DataPumpLogTail.tail("import", "f.log", new byte[0], 0, REDACT).lines()).isEmpty();
    assertThat(DataPumpLogTail.tail("import", "f.log", new byte[0], 10, REDACT).lines()).isEmpty();
  }

  @Test
  void shouldKeepTheLastLinesOfALongLog() {
    String text = String.join("\n", IntStream.rangeClosed(1, 45).mapToObj(i -> "line " + i).toList()) + "\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

    DataPumpLogTail.Tail tail = DataPumpLogTail.tail("import", "f.log", bytes, bytes.length, REDACT);

    assertThat(tail.lines()).hasSize(DataPumpLogTail.MAX_LINES).startsWith("line 6").endsWith("line 45");
    assertThat(tail.cut()).isTrue();
    String forty = String.join("\n", IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).toList());
    DataPumpLogTail.Tail exactly = DataPumpLogTail.tail("import", "f.log", forty.getBytes(StandardCharsets.UTF_8), forty.length(), REDACT);
    assertThat(exactly.lines()).hasSize(40).startsWith("line 1");
    assertThat(exactly.cut()).isFalse();
  }

  @Test
  void shouldNameTheLogsThePlanNamesForTheRun() {
    String run = "8f2c1e4a-77b0-11ef-9c1d-0242ac120002";
    String id = OracleJobs.jobId(run).toLowerCase(java.util.Locale.ROOT);

    List<String[]> files = DataPumpLogTail.logFiles(run);

    assertThat(files).hasSize(2);
    assertThat(files.get(0)).containsExactly("safety-export", "rebound_safety_" + id + ".log");
    assertThat(files.get(1)).containsExactly("import", "rebound_import_" + id + ".log");
    assertThat(id).isEqualTo("8f2c1e4a77b0");
  }

  @Test
  void shouldReadOnlyTheEndOfEachFileThroughBfilenameWithEverythingBound() {
    assertThat(DataPumpLogTail.TAIL_BLOCK).contains("BFILENAME(?, ?)", "DBMS_LOB.FILEOPEN(v_file, DBMS_LOB.FILE_READONLY)",
        "DBMS_LOB.READ(v_file, v_amount, v_length - v_amount + 1, v_bytes)", "LEAST(v_length, v_most)", "SQLCODE != -22285",
        "DBMS_LOB.FILECLOSE(v_file)");
    assertThat(DataPumpLogTail.TAIL_BLOCK.chars().filter(c -> c == '?').count()).isEqualTo(5);
    assertThat(DataPumpLogTail.MAX_BYTES).isLessThanOrEqualTo(32767);
  }

  @Test
  void shouldBindTheDirectoryFileAndSizeAndReadBothLogsThatExist() throws SQLException {
    FakeDatabase database = new FakeDatabase();
    String run = "abcdef123456";
    database.files.put("rebound_import_abcdef123456.log", "ORA-39001: invalid argument value\nJob failed\n".getBytes(StandardCharsets.UTF_8));

    List<DataPumpLogTail.Tail> tails = DataPumpLogTail.of(database.connection(), "REBOUND_DUMP", run, REDACT);

    assertThat(tails).singleElement().satisfies(tail -> {
      assertThat(tail.job()).isEqualTo("import");
      assertThat(tail.lines()).containsExactly("ORA-39001: invalid argument value", "Job failed");
    });
    assertThat(database.calls).containsExactly("REBOUND_DUMP rebound_safety_abcdef123456.log 16384",
        "REBOUND_DUMP rebound_import_abcdef123456.log 16384");
    assertThat(database.closed).isEqualTo(2);

    database.files.put("rebound_safety_abcdef123456.log", new byte[0]);
    assertThat(DataPumpLogTail.of(database.connection(), "D", run, REDACT)).extracting(DataPumpLogTail.Tail::job)
        .containsExactly("safety-export", "import");
    database.nullBytes = true;
    assertThat(DataPumpLogTail.read(database.connection(), "D", "rebound_safety_abcdef123456.log", 10)).get()
        .satisfies(bytes -> assertThat(bytes.bytes()).isEmpty());
    database.failing = true;
    assertThatThrownBy(() -> DataPumpLogTail.of(database.connection(), "D", run, REDACT)).isInstanceOf(SQLException.class);
  }

  @Test
  void shouldReadTheLastBytesUpToTheMostAsked() throws SQLException {
    FakeDatabase database = new FakeDatabase();
    database.files.put("f.log", "0123456789".getBytes(StandardCharsets.UTF_8));

    DataPumpLogTail.Bytes bytes = DataPumpLogTail.read(database.connection(), "D", "f.log", 4).orElseThrow();

    assertThat(new String(bytes.bytes(), StandardCharsets.UTF_8)).isEqualTo("6789");
    assertThat(bytes.length()).isEqualTo(10);
    assertThat(DataPumpLogTail.read(database.connection(), "D", "missing.log", 4)).isEmpty();
  }

  /**
   * Oracle cannot run here: a connection whose one statement does what {@link DataPumpLogTail#TAIL_BLOCK} does with
   * the files it holds, and records what it was bound.
   */
  static final class FakeDatabase {
    final Map<String, byte[]> files = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    int closed;
    boolean nullBytes;
    boolean failing;

    Connection connection() {
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
        if (method.getName().equals("prepareCall") && DataPumpLogTail.TAIL_BLOCK.equals(args[0])) {
          return statement();
        }
        throw new UnsupportedOperationException(method.getName());
      });
    }

    private CallableStatement statement() {
      Object[] binds = new Object[6];
      int[] out = new int[6];
      return (CallableStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CallableStatement.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "setString", "setInt" -> {
              binds[(Integer) args[0]] = args[1];
              yield null;
            }
            case "registerOutParameter" -> {
              out[(Integer) args[0]] = (Integer) args[1];
              yield null;
            }
            case "execute" -> {
              if (failing) {
                throw new SQLException("ORA-29283: invalid file operation");
              }
              assertThat(out[4]).isEqualTo(Types.VARBINARY);
              assertThat(out[5]).isEqualTo(Types.NUMERIC);
              calls.add(binds[1] + " " + binds[2] + " " + binds[3]);
              yield true;
            }
            case "getLong" -> {
              byte[] file = files.get((String) binds[2]);
              yield file == null ? -1L : (long) file.length;
            }
            case "getBytes" -> {
              byte[] file = files.get((String) binds[2]);
              int most = (Integer) binds[3];
              yield nullBytes || file == null || file.length == 0 ? null
                  : java.util.Arrays.copyOfRange(file, Math.max(0, file.length - most), file.length);
            }
            case "close" -> {
              closed++;
              yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }
  }
}
