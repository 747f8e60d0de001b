package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
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
}
