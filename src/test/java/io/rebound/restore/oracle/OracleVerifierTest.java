package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.VerifyReport;
import io.rebound.runbook.StepLog;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verify step on Oracle over a connection that plays the dictionary: recompiling, counting, what it reports. */
class OracleVerifierTest {

  static final String OWNER = "WINSTORE_ADMIN";

  /** The schema's invalid objects as the dictionary lists them: type, name, ordered so. */
  final List<Object[]> invalid = new ArrayList<>();

  private FakeConnection database() {
    return new FakeConnection()
        .on(OracleStatements.INVALID_OBJECTS, binds -> List.copyOf(invalid))
        .rows(OracleSequences.COLUMN_DEFAULTS)
        .rows(OracleSequences.TRIGGERS)
        .rows(OracleSequences.SEQUENCES_BY_NAME)
        .rows(OracleSequences.KNOWS_DEFAULT_ON_NULL_UPDATE, new Object[] {0L})
        .rows(OracleSequences.identityColumns(false));
  }

  /** Compiling the object makes it valid. */
  private FakeConnection.Answer compiles(String type, String name) {
    return binds -> {
      invalid.removeIf(o -> o[0].equals(type) && o[1].equals(name));
      return List.of();
    };
  }

  @Test
  void shouldRecompileObjectByObjectWhenTheSchemaWideRecompileCannotRunAndNameWhatStaysInvalidWithItsError() throws SQLException {
    invalid.addAll(List.of(new Object[] {"PACKAGE BODY", "PKG_ORDERS"}, new Object[] {"PROCEDURE", "BROKEN"},
        new Object[] {"TABLE", "T"}, new Object[] {"VIEW", "V_SALES"}));
    FakeConnection database = database()
        .failing(OracleStatements.RECOMPILE, "ORA-20000: Insufficient privileges for some object in this schema")
        .on("ALTER PACKAGE \"WINSTORE_ADMIN\".\"PKG_ORDERS\" COMPILE BODY", compiles("PACKAGE BODY", "PKG_ORDERS"))
        .failing("ALTER PROCEDURE \"WINSTORE_ADMIN\".\"BROKEN\" COMPILE", "ORA-24344: success with compilation error")
        .on("ALTER VIEW \"WINSTORE_ADMIN\".\"V_SALES\" COMPILE", compiles("VIEW", "V_SALES"))
        .rows(OracleStatements.FIRST_ERRORS, new Object[] {"PROCEDURE", "BROKEN", "PLS-00201: identifier 'X' must be declared\n"});
    StepLog log = new StepLog();

    VerifyReport report = OracleVerifier.verify(database.connection(), OWNER, List.of(), Map.of(), log);

    assertThat(report.invalidObjects()).containsExactly("PACKAGE BODY PKG_ORDERS", "PROCEDURE BROKEN", "TABLE T", "VIEW V_SALES");
    assertThat(report.stillInvalid()).containsExactly("PROCEDURE BROKEN (PLS-00201: identifier 'X' must be declared)", "TABLE T");
    assertThat(log.entries()).containsExactly(
        new StepLog.Entry(OracleStatements.RECOMPILE + "  -- binds: WINSTORE_ADMIN",
            "failed: ORA-20000: Insufficient privileges for some object in this schema; recompiling object by object"),
        new StepLog.Entry("ALTER PACKAGE \"WINSTORE_ADMIN\".\"PKG_ORDERS\" COMPILE BODY", "ok"),
        new StepLog.Entry("ALTER PROCEDURE \"WINSTORE_ADMIN\".\"BROKEN\" COMPILE", "failed: ORA-24344: success with compilation error"),
        new StepLog.Entry("ALTER VIEW \"WINSTORE_ADMIN\".\"V_SALES\" COMPILE", "ok"),
        new StepLog.Entry("invalid objects of WINSTORE_ADMIN after recompiling",
            "PROCEDURE BROKEN (PLS-00201: identifier 'X' must be declared); TABLE T"));
    // A table is not compiled: no statement for it.
    assertThat(database.ran).noneMatch(sql -> sql.contains("\"T\""));
  }

  @Test
  void shouldRecompileTheWholeSchemaInOneCallWhenItCan() throws SQLException {
    invalid.add(new Object[] {"VIEW", "V_SALES"});
    FakeConnection database = database()
        .on(OracleStatements.RECOMPILE, binds -> {
          invalid.clear();
          return List.of();
        })
        .rows(OracleStatements.FIRST_ERRORS);
    StepLog log = new StepLog();

    VerifyReport report = OracleVerifier.verify(database.connection(), OWNER, List.of(), Map.of(), log);

    assertThat(report.invalidObjects()).containsExactly("VIEW V_SALES");
    assertThat(report.stillInvalid()).isEmpty();
    assertThat(log.entries()).containsExactly(
        new StepLog.Entry(OracleStatements.RECOMPILE + "  -- binds: WINSTORE_ADMIN", "recompiled 1 invalid objects"),
        new StepLog.Entry("invalid objects of WINSTORE_ADMIN after recompiling", "none"));
    assertThat(database.ran).noneMatch(sql -> sql.startsWith("ALTER "));
  }

  @Test
  void shouldRecompileNothingWhenNothingIsInvalidAndCountTheKeyTables() throws SQLException {
    FakeConnection database = database()
        .on(OracleStatements.TABLE_EXISTS, binds -> List.<Object[]>of(new Object[] {binds.get(1).equals("GONE") ? 0L : 1L}))
        .rows(OracleStatements.countRows(OWNER, "PRODUCTS"), new Object[] {12L})
        .rows(OracleStatements.countRows(OWNER, "ORDERS"), new Object[] {0L});
    StepLog log = new StepLog();

    VerifyReport report = OracleVerifier.verify(database.connection(), OWNER, List.of("PRODUCTS", "ORDERS", "GONE"), Map.of(), log);

    assertThat(report.invalidObjects()).isEmpty();
    assertThat(report.stillInvalid()).isEmpty();
    assertThat(report.rowCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("PRODUCTS", 12L, "ORDERS", 0L));
    assertThat(report.emptyKeyTables()).containsExactly("ORDERS", "GONE (missing)");
    assertThat(report.passed()).isFalse();
    assertThat(log.entries()).containsExactly(
        new StepLog.Entry("SELECT COUNT(*) FROM \"WINSTORE_ADMIN\".\"PRODUCTS\"", "12 rows"),
        new StepLog.Entry("SELECT COUNT(*) FROM \"WINSTORE_ADMIN\".\"ORDERS\"", "0 rows"));
    assertThat(database.ran).noneMatch(sql -> sql.startsWith(OracleStatements.RECOMPILE) || sql.startsWith(OracleStatements.FIRST_ERRORS));
  }
}
