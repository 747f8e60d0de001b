package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OraclePrivilegesTest {

  /** What SESSION_PRIVS and SESSION_ROLES show for SYSTEM with its DBA role (the part the restore looks at). */
  private static final Set<String> DBA_PRIVILEGES = Set.of("CREATE SESSION", "CREATE USER", "ALTER USER", "DROP USER", "ALTER SYSTEM",
      "CREATE ANY DIRECTORY", "GRANT ANY PRIVILEGE", "GRANT ANY OBJECT PRIVILEGE", "SELECT ANY DICTIONARY", "SELECT ANY TABLE",
      "SELECT ANY SEQUENCE", "ALTER ANY SEQUENCE", "ALTER ANY TABLE", "ALTER ANY PROCEDURE", "ALTER ANY TRIGGER", "ALTER ANY TYPE");
  private static final Set<String> DBA_ROLES = Set.of("DBA", "SELECT_CATALOG_ROLE", "DATAPUMP_EXP_FULL_DATABASE", "DATAPUMP_IMP_FULL_DATABASE",
      "EXP_FULL_DATABASE", "IMP_FULL_DATABASE");
  private static final Set<String> PUBLIC_PACKAGES = Set.of("DBMS_DATAPUMP EXECUTE", "UTL_FILE EXECUTE", "DBMS_LOB EXECUTE",
      "DBMS_UTILITY EXECUTE", "ODCIVARCHAR2LIST EXECUTE");

  @Test
  void shouldFindNothingMissingForAnAccountWithTheDbaRole() {
    assertThat(OraclePrivileges.missing(DBA_PRIVILEGES, DBA_ROLES, PUBLIC_PACKAGES, "WINSTORE_DUMP", false)).isEmpty();
  }

  @Test
  void shouldNameEachMissingPrivilegeWithWhatItIsFor() {
    Set<String> privileges = new HashSet<>(DBA_PRIVILEGES);
    privileges.remove("CREATE ANY DIRECTORY");
    privileges.remove("ALTER SYSTEM");
    Set<String> packages = new HashSet<>(PUBLIC_PACKAGES);
    packages.remove("UTL_FILE EXECUTE");

    assertThat(OraclePrivileges.missing(privileges, DBA_ROLES, packages, "WINSTORE_DUMP", false)).containsExactly(
        "ALTER SYSTEM (end the users' sessions (ALTER SYSTEM KILL SESSION))",
        "CREATE ANY DIRECTORY (create the DIRECTORY of the dump directory)",
        "EXECUTE ON SYS.UTL_FILE");
  }

  @Test
  void shouldAcceptARoleWhereItServesAsWellAsThePrivilege() {
    Set<String> privileges = new HashSet<>(DBA_PRIVILEGES);
    privileges.remove("SELECT ANY DICTIONARY");

    assertThat(OraclePrivileges.missing(privileges, Set.of("SELECT_CATALOG_ROLE", "EXP_FULL_DATABASE", "IMP_FULL_DATABASE"), PUBLIC_PACKAGES,
        "D", false)).isEmpty();
    assertThat(OraclePrivileges.missing(privileges, Set.of("exp_full_database"), PUBLIC_PACKAGES, "D", false))
        .extracting(m -> m.substring(0, m.indexOf(' ')))
        .containsExactly("SELECT", "DATAPUMP_IMP_FULL_DATABASE");
  }

  @Test
  void shouldNeedReadAndWriteOnADirectoryThatExistsAlready() {
    Set<String> withRead = new HashSet<>(PUBLIC_PACKAGES);
    withRead.add("WINSTORE_DUMP READ");

    assertThat(OraclePrivileges.missing(DBA_PRIVILEGES, DBA_ROLES, withRead, "WINSTORE_DUMP", true))
        .containsExactly("WRITE ON DIRECTORY WINSTORE_DUMP (it exists already, created by another account)");
    withRead.add("winstore_dump write");
    assertThat(OraclePrivileges.missing(DBA_PRIVILEGES, DBA_ROLES, withRead, "WINSTORE_DUMP", true)).isEmpty();
    assertThat(OraclePrivileges.missing(DBA_PRIVILEGES, DBA_ROLES, PUBLIC_PACKAGES, "WINSTORE_DUMP", true)).hasSize(2);
  }

  @Test
  void shouldReportEverythingForAnAccountWithNothing() {
    List<String> missing = OraclePrivileges.missing(Set.of(), Set.of(), Set.of(), "D", true);

    assertThat(missing).hasSize(OraclePrivileges.SYSTEM.size() + OraclePrivileges.PACKAGES.size() + 2);
    assertThat(missing).contains("DATAPUMP_EXP_FULL_DATABASE (export other users' schemas (the safety export))",
        "EXECUTE ON SYS.DBMS_DATAPUMP", "READ ON DIRECTORY D (it exists already, created by another account)");
  }

  @Test
  void shouldAskOnlyForGrantsTheAccountReceivedItselfOrThroughPublicOrItsRoles() {
    String sql = OraclePrivileges.objectPrivileges(OraclePrivileges.PACKAGES.size());

    assertThat(sql).isEqualTo("SELECT table_name || ' ' || privilege FROM all_tab_privs WHERE table_schema = 'SYS' AND table_name IN "
        + "(?, ?, ?, ?, ?, ?) AND grantee IN (SELECT USER FROM dual UNION ALL SELECT 'PUBLIC' FROM dual UNION ALL SELECT role FROM session_roles)");
    assertThat(OraclePrivileges.objectPrivilegeBinds("WINSTORE_DUMP"))
        .containsExactly("DBMS_DATAPUMP", "UTL_FILE", "DBMS_LOB", "DBMS_UTILITY", "ODCIVARCHAR2LIST", "WINSTORE_DUMP");
    assertThat(OraclePrivileges.SESSION_PRIVILEGES).isEqualTo("SELECT privilege FROM session_privs");
    assertThat(OraclePrivileges.SESSION_ROLES).isEqualTo("SELECT role FROM session_roles");
    assertThat(OraclePrivileges.DIRECTORY_EXISTS).isEqualTo("SELECT COUNT(*) FROM dba_directories WHERE directory_name = ?");
    assertThat(OraclePrivileges.SYSTEM.stream().map(OraclePrivileges.Need::name).collect(Collectors.toSet())).doesNotContain("EXECUTE ON DBMS_CRYPTO");
  }

  @Test
  void shouldSayEveryPrivilegeIsHeldWhenTheAccountHasThemAndReadWriteOnAnExistingDirectory() throws SQLException {
    FakeConnection database = account(DBA_PRIVILEGES, DBA_ROLES, true);
    StepLog log = new StepLog();

    OraclePrivileges.check(database.connection(), target(), log);

    assertThat(log.entries()).containsExactly(new StepLog.Entry("privileges of system", "every privilege the schema restore needs is held"));
    assertThat(database.ran).contains(OraclePrivileges.DIRECTORY_EXISTS + "  -- binds: WINSTORE_DUMP");
  }

  @Test
  void shouldRefuseNamingAllThatIsMissingBeforeAnythingRuns() {
    Set<String> privileges = new HashSet<>(DBA_PRIVILEGES);
    privileges.remove("SELECT ANY DICTIONARY");
    privileges.remove("DROP USER");
    FakeConnection database = account(privileges, Set.of("DATAPUMP_EXP_FULL_DATABASE", "DATAPUMP_IMP_FULL_DATABASE"), true);
    StepLog log = new StepLog();

    assertThatThrownBy(() -> OraclePrivileges.check(database.connection(), target(), log))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the account system on target xe lacks what the schema restore needs (nothing has been changed): "
            + "DROP USER (the reset drops the users CASCADE); SELECT ANY DICTIONARY (read DBA_USERS, DBA_OBJECTS, GV$SESSION,"
            + " DBA_DATAPUMP_JOBS and the like)");
    assertThat(log.entries()).singleElement().isEqualTo(new StepLog.Entry("privileges of system",
        "missing: DROP USER (the reset drops the users CASCADE); SELECT ANY DICTIONARY (read DBA_USERS, DBA_OBJECTS, GV$SESSION,"
            + " DBA_DATAPUMP_JOBS and the like)"));
    // Without the dictionary the DIRECTORY cannot be looked up: it is not asked for.
    assertThat(database.ran).noneMatch(sql -> sql.startsWith(OraclePrivileges.DIRECTORY_EXISTS));
  }

  @Test
  void shouldAskForReadAndWriteOnTheDirectoryOnlyWhenItExists() throws SQLException {
    StepLog log = new StepLog();
    OraclePrivileges.check(account(DBA_PRIVILEGES, Set.of("SELECT_CATALOG_ROLE", "DATAPUMP_EXP_FULL_DATABASE", "DATAPUMP_IMP_FULL_DATABASE"),
        false).connection(), target(), log);
    assertThat(log.entries()).extracting(StepLog.Entry::outcome).containsExactly("every privilege the schema restore needs is held");

    FakeConnection existing = account(DBA_PRIVILEGES, DBA_ROLES, false)
        .rows(OraclePrivileges.DIRECTORY_EXISTS, new Object[] {1L});
    assertThatThrownBy(() -> OraclePrivileges.check(existing.connection(), target(), new StepLog()))
        .hasMessageEndingWith("READ ON DIRECTORY WINSTORE_DUMP (it exists already, created by another account);"
            + " WRITE ON DIRECTORY WINSTORE_DUMP (it exists already, created by another account)");
  }

  /**
   * An account as the dictionary shows it: its privileges and roles, EXECUTE on the packages through PUBLIC, and,
   * when {@code directoryGrants}, a DIRECTORY that exists and READ and WRITE on it.
   */
  private static FakeConnection account(Set<String> privileges, Set<String> roles, boolean directoryGrants) {
    List<Object[]> objects = new java.util.ArrayList<>(PUBLIC_PACKAGES.stream().map(p -> new Object[] {p}).toList());
    if (directoryGrants) {
      objects.add(new Object[] {"WINSTORE_DUMP READ"});
      objects.add(new Object[] {"WINSTORE_DUMP WRITE"});
    }
    return new FakeConnection()
        .rows(OraclePrivileges.SESSION_PRIVILEGES, privileges.stream().map(p -> new Object[] {p}).toArray(Object[][]::new))
        .rows(OraclePrivileges.SESSION_ROLES, roles.stream().map(r -> new Object[] {r}).toArray(Object[][]::new))
        .rows(OraclePrivileges.objectPrivileges(OraclePrivileges.PACKAGES.size()), objects.toArray(Object[][]::new))
        .rows(OraclePrivileges.DIRECTORY_EXISTS, new Object[] {directoryGrants ? 1L : 0L});
  }

  private static Target target() {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("xe", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/XEPDB1", "system", "x", null,
        Path.of("/opt/oracle/full_backups"), "WINSTORE_DUMP", null, null, Map.of(), Map.of()));
    return targets.get("xe");
  }
}
