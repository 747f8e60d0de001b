package io.rebound.recovery.oracle;

import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@link RecoveryDictionary} over the target's own connections. Reading a database that is only mounted needs a
 * session as SYSDBA or SYSBACKUP (e.g. {@code username: "sys as sysdba"}), connected to the root of a container database.
 */
@Component
class JdbcRecoveryDictionary implements RecoveryDictionary {

  /**
   * Oracle errors that mean the instance does not answer (rather than refusing this session): not available, starting
   * or stopping, not registered with the listener, no listener.
   */
  static final Set<Integer> NO_ANSWER = Set.of(1033, 1034, 1089, 1090, 12505, 12514, 12518, 12521, 12526, 12528, 12537, 12541, 27101);
  static final int NOT_MOUNTED = 1507;

  @Override
  public DatabasePicture read(Target target, StepLog log) throws SQLException {
    Connection connection;
    try {
      connection = target.connect();
    } catch (SQLException e) {
      if (answered(e)) {
        throw e;
      }
      log.ran("connect to " + target.name(), "no answer: " + firstLine(e));
      return DatabasePicture.unreachable(List.of(firstLine(e)));
    }
    try (Connection open = connection) {
      List<String> said = new ArrayList<>();
      DatabaseState state = mountedState(open, target, log, said);
      if (state == null) {
        return DatabasePicture.notMounted(said);
      }
      boolean openedNow = false;
      OpenFailure failure = null;
      if ("MOUNTED".equals(state.openMode())) {
        try {
          execute(open, "ALTER DATABASE OPEN");
          openedNow = true;
          log.ran("ALTER DATABASE OPEN", "opened (instance recovery, if any was needed, ran as it opened)");
          if (state.container()) {
            openPluggables(open, log, said);
          }
        } catch (SQLException e) {
          failure = OpenFailure.parse(e.getMessage());
          said.addAll(failure.errors().isEmpty() ? List.of(firstLine(e)) : failure.errors());
          log.ran("ALTER DATABASE OPEN", "failed: " + firstLine(e));
        }
        state = TriageQueries.database(open);
      }
      List<Datafile> datafiles = TriageQueries.datafiles(open);
      List<RecoverFile> recover = TriageQueries.recoverFiles(open);
      Map<Integer, String> starts = TriageQueries.onlineLogStarts(open);
      Optional<String> from = recoveryStart(recover);
      List<ArchivedLog> archived = from.isPresent() ? TriageQueries.archivedLogs(open, from.get()) : List.of();
      log.ran("read V$DATABASE, V$DATAFILE, V$RECOVER_FILE, V$LOG, V$ARCHIVED_LOG", state.openMode() + ", " + datafiles.size()
          + " datafiles, " + recover.size() + " in V$RECOVER_FILE");
      return new DatabasePicture(true, openedNow, state, datafiles, recover, failure, archived, starts, said);
    }
  }

  /** V$DATABASE, after mounting an instance started without its control file; null when it cannot be mounted. */
  private static DatabaseState mountedState(Connection connection, Target target, StepLog log, List<String> said) throws SQLException {
    try {
      return TriageQueries.database(connection);
    } catch (SQLException e) {
      if (e.getErrorCode() != NOT_MOUNTED) {
        throw e;
      }
    }
    try {
      execute(connection, "ALTER DATABASE MOUNT");
      log.ran("ALTER DATABASE MOUNT", "mounted");
      return TriageQueries.database(connection);
    } catch (SQLException e) {
      said.add(firstLine(e));
      log.ran("ALTER DATABASE MOUNT", "failed: " + firstLine(e));
      return null;
    }
  }

  /** Pluggable databases that do not open say why, as the root does (a missing file of theirs is ORA-01157 too). */
  private static void openPluggables(Connection connection, StepLog log, List<String> said) {
    try {
      execute(connection, "ALTER PLUGGABLE DATABASE ALL OPEN");
      log.ran("ALTER PLUGGABLE DATABASE ALL OPEN", "opened");
    } catch (SQLException e) {
      OpenFailure failure = OpenFailure.parse(e.getMessage());
      said.addAll(failure.errors().isEmpty() ? List.of(firstLine(e)) : failure.errors());
      log.ran("ALTER PLUGGABLE DATABASE ALL OPEN", "failed: " + firstLine(e));
    }
  }

  /** The lowest SCN a file's recovery starts at, of the files that need recovery. */
  static Optional<String> recoveryStart(List<RecoverFile> recover) {
    return recover.stream().filter(file -> !file.recoveryNotNeeded()).map(RecoverFile::changeScn)
        .filter(scn -> scn != null && scn.matches("[0-9]{1,20}") && !scn.equals("0")).min(Comparator.comparing(BigInteger::new));
  }

  @Override
  public RecoveryVerification.Result verify(Target target) throws SQLException {
    try (Connection connection = target.connect()) {
      return RecoveryVerification.verify(connection);
    }
  }

  @Override
  public String checkpointScn(Target target) throws SQLException {
    try (Connection connection = target.connect()) {
      return TriageQueries.database(connection).checkpointScn();
    }
  }

  /** Whether the instance itself answered with this error, rather than not answering at all. */
  static boolean answered(SQLException e) {
    if (e instanceof SQLRecoverableException || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
      return false;
    }
    return !NO_ANSWER.contains(e.getErrorCode());
  }

  private static String firstLine(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end).strip();
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
