package io.rebound.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.runbook.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

  @Test
  void shouldCanonicaliseToEachDialectsCase() {
    assertThat(Identifiers.canonical(Dialect.ORACLE, " winstore_admin ", "owner")).isEqualTo("WINSTORE_ADMIN");
    assertThat(Identifiers.canonical(Dialect.POSTGRESQL, "WINSTORE_Admin", "owner")).isEqualTo("winstore_admin");
    assertThat(Identifiers.canonical(Dialect.ORACLE, "APP$USER#1", "owner")).isEqualTo("APP$USER#1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"WINSTORE'ADMIN", "WINSTORE\"ADMIN", "A;DROP USER X", "A B", "1ADMIN", "A-B", "A.B", "ÄDMIN", "A\nB"})
  void shouldRefuseAnythingButAPlainIdentifier(String raw) {
    assertThatThrownBy(() -> Identifiers.canonical(Dialect.ORACLE, raw, "owner")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a valid oracle identifier");
    assertThatThrownBy(() -> Identifiers.canonical(Dialect.POSTGRESQL, raw, "owner")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldRefuseNamesLongerThanTheDialectAllows() {
    assertThat(Identifiers.canonical(Dialect.ORACLE, "A".repeat(128), "owner")).hasSize(128);
    assertThatThrownBy(() -> Identifiers.canonical(Dialect.ORACLE, "A".repeat(129), "owner")).hasMessageContaining("longer than 128");
    assertThat(Identifiers.canonical(Dialect.POSTGRESQL, "a".repeat(63), "owner")).hasSize(63);
    assertThatThrownBy(() -> Identifiers.canonical(Dialect.POSTGRESQL, "a".repeat(64), "owner")).hasMessageContaining("longer than 63");
  }

  @Test
  void shouldNeverLetASystemAccountBeDropped() {
    assertThatThrownBy(() -> Identifiers.droppableUser(Dialect.ORACLE, "sys", "owner")).hasMessageContaining("system account");
    assertThatThrownBy(() -> Identifiers.droppableUser(Dialect.ORACLE, "SYSTEM", "owner")).hasMessageContaining("system account");
    assertThatThrownBy(() -> Identifiers.droppableUser(Dialect.ORACLE, "APEX_230200", "owner")).hasMessageContaining("system account");
    assertThatThrownBy(() -> Identifiers.droppableUser(Dialect.POSTGRESQL, "postgres", "owner")).hasMessageContaining("system account");
    assertThatThrownBy(() -> Identifiers.droppableUser(Dialect.POSTGRESQL, "pg_monitor", "owner")).hasMessageContaining("system account");
    assertThat(Identifiers.droppableUser(Dialect.POSTGRESQL, "sys", "owner")).isEqualTo("sys");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "dumps/a.dmp", "a\\b.dmp", "..", "a..b.dmp", "/abs.dmp", ".hidden", "a b.dmp", "a;b.dmp"})
  void shouldRefuseDumpFileNamesThatAreNotPlainFileNames(String raw) {
    assertThatThrownBy(() -> Identifiers.dumpFile(raw)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldAcceptPlainDumpFileNames() {
    assertThat(Identifiers.dumpFile(" winstore_full_backup.dmp ")).isEqualTo("winstore_full_backup.dmp");
    assertThat(Identifiers.dumpFile("EXP-2026.11.22_01.dmp")).isEqualTo("EXP-2026.11.22_01.dmp");
  }

  @Test
  void shouldAcceptADataPumpFileSetOnOracleOnly() {
    assertThat(Identifiers.dumpFile(Dialect.ORACLE, " rebound_safety_winstore_admin_1a2b_%U.dmp "))
        .isEqualTo("rebound_safety_winstore_admin_1a2b_%U.dmp");
    assertThat(Identifiers.dumpFile(Dialect.ORACLE, "plain.dmp")).isEqualTo("plain.dmp");
    assertThat(Identifiers.dumpFile(Dialect.POSTGRESQL, "plain.dump")).isEqualTo("plain.dump");
    assertThatThrownBy(() -> Identifiers.dumpFile(Dialect.POSTGRESQL, "set_%U.dump")).isInstanceOf(InvalidInputException.class)
        .hasMessage("dumpFile 'set_%U.dump' names a Data Pump file set (%U): pg_restore reads one file");
    assertThatThrownBy(() -> Identifiers.dumpFile(Dialect.ORACLE, "a_%U_%U.dmp")).isInstanceOf(InvalidInputException.class)
        .hasMessage("dumpFile 'a_%U_%U.dmp' may number its files (%U) only once");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a_%u.dmp", "a_%d.dmp", "a%.dmp", "../a_%U.dmp", "a_%U/b.dmp", "a_%UU%.dmp"})
  void shouldRefuseOtherPercentSignsAndPathsInAFileSet(String raw) {
    assertThatThrownBy(() -> Identifiers.dumpFile(Dialect.ORACLE, raw)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldRequireADumpFileOnEveryDialect() {
    assertThatThrownBy(() -> Identifiers.dumpFile(Dialect.ORACLE, null)).isInstanceOf(InvalidInputException.class).hasMessage("dumpFile is required");
    assertThatThrownBy(() -> Identifiers.dumpFile(Dialect.ORACLE, "  ")).isInstanceOf(InvalidInputException.class).hasMessage("dumpFile is required");
  }

  @Test
  void shouldQuoteOnlyValidatedIdentifiers() {
    assertThat(Identifiers.quote("WINSTORE_ADMIN")).isEqualTo("\"WINSTORE_ADMIN\"");
    assertThatThrownBy(() -> Identifiers.quote("A\"B")).isInstanceOf(IllegalArgumentException.class);
  }
}
