package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.queryString;

import io.rebound.restore.DumpNotFoundException;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import io.rebound.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The Data Pump files of a target and the DIRECTORY through which the database reaches them: whether a dump (or the
 * first file of a dump file set) is there and readable, and how large it is, as the database server sees it.
 */
final class OracleDumpFiles {

  /** What a look at a dump file found, and how it looked. */
  record FileCheck(boolean readable, long length, String how) {}

  /** Throws {@link DumpNotFoundException} when the dump is not a readable file of the DIRECTORY. */
  void checkReadable(Target target, String dumpFile) {
    try (Connection connection = target.connect()) {
      if (!check(connection, target, dumpFile).readable()) {
        throw new DumpNotFoundException("dump file " + dumpFile + " is not present or not readable in DIRECTORY " + directory(target)
            + " (" + target.dumpDirectory() + ")");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the dump file on target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks the database server through the DIRECTORY when it exists and points at the configured path; before
   * the first bootstrap created it, looks at the path from this host.
   */
  FileCheck check(Connection connection, Target target, String dumpFileOrSet) throws SQLException {
    // Of a file set (name_%U.dmp) the first file is checked: Data Pump numbers them from 01.
    String dumpFile = DataPump.firstFileOf(dumpFileOrSet);
    String directory = directory(target);
    String path = queryString(connection, OracleStatements.DIRECTORY_PATH, directory);
    if (path != null && samePath(path, target.dumpDirectory())) {
      try (CallableStatement call = connection.prepareCall(OracleStatements.FILE_ATTRIBUTES)) {
        call.setString(1, directory);
        call.setString(2, dumpFile);
        call.registerOutParameter(3, Types.INTEGER);
        call.registerOutParameter(4, Types.BIGINT);
        call.registerOutParameter(5, Types.INTEGER);
        call.execute();
        boolean readable = call.getInt(3) == 1 && call.getInt(5) == 1;
        return new FileCheck(readable, call.getLong(4), "UTL_FILE on DIRECTORY " + directory);
      }
    }
    Path file = target.dumpDirectory().resolve(dumpFile);
    try {
      boolean readable = Files.isRegularFile(file) && Files.isReadable(file);
      return new FileCheck(readable, readable ? Files.size(file) : 0, "host path " + file + " (DIRECTORY " + directory + " not yet pointing there)");
    } catch (IOException e) {
      return new FileCheck(false, 0, "host path " + file);
    }
  }

  /** The target's DIRECTORY, as the plan names it. */
  static String directory(Target target) {
    return Identifiers.canonical(Dialect.ORACLE, target.properties().directoryName(), "directory-name");
  }

  private static boolean samePath(String a, Path b) {
    return Path.of(a).normalize().equals(b.normalize());
  }
}
