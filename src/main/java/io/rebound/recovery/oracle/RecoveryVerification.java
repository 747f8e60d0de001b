package io.rebound.recovery.oracle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a media recovery left the database whole: open READ WRITE, nothing in {@code V$RECOVER_FILE}, every datafile
 * ONLINE (or SYSTEM, which is how SYSTEM's files read).
 */
public final class RecoveryVerification {

  static final String OPEN_MODE = "SELECT OPEN_MODE FROM V$DATABASE";
  static final String RECOVER_FILES = "SELECT FILE#, ERROR FROM V$RECOVER_FILE ORDER BY FILE#";
  static final String NOT_ONLINE = "SELECT FILE#, NAME, STATUS FROM V$DATAFILE WHERE STATUS NOT IN ('ONLINE', 'SYSTEM') ORDER BY FILE#";

  private RecoveryVerification() {}

  /** A datafile that is not as it should be, and in what state. */
  public record FileState(int number, String name, String state) {}

  /** What the views said. */
  public record Result(String openMode, List<FileState> needingRecovery, List<FileState> notOnline) {
    public Result {
      needingRecovery = List.copyOf(needingRecovery);
      notOnline = List.copyOf(notOnline);
    }

    /** What is wrong, in words; empty when the recovery is complete. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (!"READ WRITE".equals(openMode)) {
        problems.add("the database is " + openMode + ", not open READ WRITE");
      }
      for (FileState file : needingRecovery) {
        problems.add("datafile " + file.number() + " still needs recovery (V$RECOVER_FILE" + (file.state() == null || file.state().isBlank()
            ? "" : ": " + file.state()) + ")");
      }
      for (FileState file : notOnline) {
        problems.add("datafile " + file.number() + " (" + file.name() + ") is " + file.state() + ", not ONLINE");
      }
      return problems;
    }
  }

  public static Result verify(Connection connection) throws SQLException {
    String openMode;
    try (PreparedStatement statement = connection.prepareStatement(OPEN_MODE); ResultSet row = statement.executeQuery()) {
      row.next();
      openMode = row.getString(1);
    }
    List<FileState> recover = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(RECOVER_FILES); ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        recover.add(new FileState(rows.getInt("FILE#"), null, rows.getString("ERROR")));
      }
    }
    List<FileState> offline = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(NOT_ONLINE); ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        offline.add(new FileState(rows.getInt("FILE#"), rows.getString("NAME"), rows.getString("STATUS")));
      }
    }
    return new Result(openMode, recover, offline);
  }
}
