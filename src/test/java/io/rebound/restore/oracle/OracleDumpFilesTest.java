package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a dump is there and readable: as the database server sees it once the DIRECTORY points at the dump directory. */
class OracleDumpFilesTest {

  @TempDir Path dumps;

  @Test
  void shouldAskTheServerThroughTheDirectoryForTheFirstFileOfASetWhenTheDirectoryPointsThere() throws SQLException {
    FakeConnection database = new FakeConnection()
        .rows(OracleStatements.DIRECTORY_PATH, new Object[] {dumps + "/."})
        .rows(OracleStatements.FILE_ATTRIBUTES, new Object[] {null, null, 1, 81920L, 1});

    OracleDumpFiles.FileCheck check = new OracleDumpFiles().check(database.connection(), target(), "winstore_%U.dmp");

    assertThat(check).isEqualTo(new OracleDumpFiles.FileCheck(true, 81920, "UTL_FILE on DIRECTORY WINSTORE_DUMP"));
    assertThat(database.ran).containsExactly(OracleStatements.DIRECTORY_PATH + "  -- binds: WINSTORE_DUMP",
        OracleStatements.FILE_ATTRIBUTES + "  -- binds: WINSTORE_DUMP, winstore_01.dmp");
  }

  @Test
  void shouldTakeAFileThatExistsButCannotBeOpenedForUnreadable() throws SQLException {
    FakeConnection database = new FakeConnection()
        .rows(OracleStatements.DIRECTORY_PATH, new Object[] {dumps.toString()})
        .rows(OracleStatements.FILE_ATTRIBUTES, new Object[] {null, null, 1, 81920L, 0});

    assertThat(new OracleDumpFiles().check(database.connection(), target(), "winstore.dmp").readable()).isFalse();
  }

  @Test
  void shouldLookAtTheHostPathBeforeTheDirectoryPointsAtTheDumpDirectory() throws Exception {
    Files.writeString(dumps.resolve("winstore.dmp"), "12345");
    FakeConnection elsewhere = new FakeConnection().rows(OracleStatements.DIRECTORY_PATH, new Object[] {"/u01/other"});
    FakeConnection none = new FakeConnection().rows(OracleStatements.DIRECTORY_PATH);

    OracleDumpFiles.FileCheck present = new OracleDumpFiles().check(elsewhere.connection(), target(), "winstore.dmp");
    OracleDumpFiles.FileCheck missing = new OracleDumpFiles().check(none.connection(), target(), "other.dmp");

    assertThat(present).isEqualTo(new OracleDumpFiles.FileCheck(true, 5,
        "host path " + dumps.resolve("winstore.dmp") + " (DIRECTORY WINSTORE_DUMP not yet pointing there)"));
    assertThat(missing.readable()).isFalse();
    assertThat(missing.length()).isZero();
    assertThat(List.of(elsewhere.ran, none.ran)).allSatisfy(ran -> assertThat(ran).noneMatch(sql -> sql.startsWith(OracleStatements.FILE_ATTRIBUTES)));
  }

  private Target target() {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("xe", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/XEPDB1", "system", "x", null,
        dumps, "winstore_dump", null, null, Map.of(), Map.of()));
    return targets.get("xe");
  }
}
