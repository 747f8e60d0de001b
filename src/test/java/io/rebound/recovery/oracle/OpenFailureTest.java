package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.recovery.oracle.OpenFailure.DamagedFile;
import io.rebound.recovery.oracle.OpenFailure.Problem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Messages as ALTER DATABASE OPEN fails with them, through the driver (19c, 23ai) and SQL*Plus. */
class OpenFailureTest {

  @Test
  void shouldNameTheMissingDatafileOfAFailedOpenThroughTheDriver() {
    OpenFailure failure = OpenFailure.parse("ORA-01157: cannot identify/lock data file 7 - see DBWR trace file\n"
        + "ORA-01110: data file 7: '/u02/oradata/ORCL/users01.dbf'\n");

    assertThat(failure.files()).containsExactly(new DamagedFile(7, Optional.of("/u02/oradata/ORCL/users01.dbf"), Problem.MISSING,
        Optional.empty()));
    assertThat(failure.errors()).containsExactly("ORA-01157: cannot identify/lock data file 7 - see DBWR trace file",
        "ORA-01110: data file 7: '/u02/oradata/ORCL/users01.dbf'");
    assertThat(failure.namesFiles()).isTrue();
  }

  @Test
  void shouldNameAFileThatNeedsMediaRecoveryIn23aiOutputWithItsHelpLines() {
    OpenFailure failure = OpenFailure.parse("""
        ORA-01113: file 4 needs media recovery
        Help: https://docs.oracle.com/error-help/db/ora-01113/
        ORA-01110: data file 4: '+DATA/FREE/DATAFILE/undotbs1.263.1187654321'
        Help: https://docs.oracle.com/error-help/db/ora-01110/
        """);

    assertThat(failure.files()).containsExactly(new DamagedFile(4, Optional.of("+DATA/FREE/DATAFILE/undotbs1.263.1187654321"),
        Problem.NEEDS_RECOVERY, Optional.empty()));
    assertThat(failure.errors()).hasSize(2);
  }

  @Test
  void shouldKeepTheOperatingSystemsReasonAndSqlPlusFraming() {
    OpenFailure failure = OpenFailure.parse("""
        ALTER DATABASE OPEN
        *
        ERROR at line 1:
        ORA-01157: cannot identify/lock data file 12 - see DBWR trace file
        ORA-01110: data file 12: '/u02/oradata/ORCL/app_data01.dbf'
        ORA-27037: unable to obtain file status
        Linux-x86_64 Error: 2: No such file or directory
        Additional information: 7
        """);

    assertThat(failure.files()).containsExactly(new DamagedFile(12, Optional.of("/u02/oradata/ORCL/app_data01.dbf"), Problem.MISSING,
        Optional.of("Linux-x86_64 Error: 2: No such file or directory")));
    assertThat(failure.errors()).containsExactly("ORA-01157: cannot identify/lock data file 12 - see DBWR trace file",
        "ORA-01110: data file 12: '/u02/oradata/ORCL/app_data01.dbf'", "ORA-27037: unable to obtain file status");
  }

  @Test
  void shouldReadTheMessageOfTheDriversExceptionAndKeepEachFileOnceWithTheGraverProblem() {
    OpenFailure failure = OpenFailure.parse("java.sql.SQLException: ORA-01113: file 9 needs media recovery\n"
        + "ORA-01110: data file 9: '/u02/oradata/ORCL/a.dbf'\n"
        + "ORA-01157: cannot identify/lock data file 9 - see DBWR trace file\n"
        + "ORA-01110: data file 9: '/u02/oradata/ORCL/other.dbf'\n"
        + "ORA-01113: file 3 needs media recovery\n"
        + "ORA-01157: cannot identify/lock data file 3 - see DBWR trace file\n"
        + "ORA-01113: file 3 needs media recovery\n");

    assertThat(failure.files()).containsExactly(
        new DamagedFile(9, Optional.of("/u02/oradata/ORCL/a.dbf"), Problem.MISSING, Optional.empty()),
        new DamagedFile(3, Optional.empty(), Problem.MISSING, Optional.empty()));
  }

  @Test
  void shouldNameNoFileWhenTheOpenFailedForAnotherReason() {
    assertThat(OpenFailure.parse("ORA-01034: ORACLE not available\nORA-27101: shared memory realm does not exist").files()).isEmpty();
    assertThat(OpenFailure.parse("ORA-01034: ORACLE not available").namesFiles()).isFalse();
    assertThat(OpenFailure.parse(null).errors()).isEmpty();
    assertThat(OpenFailure.parse("Linux-x86_64 Error: 2: No such file or directory").files()).isEmpty();
    // A file name with no error naming the file before it says nothing about which file failed.
    assertThat(OpenFailure.parse("ORA-01110: data file 7: '/u02/x.dbf'").files()).isEmpty();
    assertThat(OpenFailure.parse("ORA-01157: cannot open the file").files()).isEmpty();
    assertThat(OpenFailure.parse("ORA-01113: file four needs media recovery").files()).isEmpty();
    assertThat(OpenFailure.parse("ORA-01110: data file 7 '/u02/x.dbf'").errors()).isEqualTo(List.of("ORA-01110: data file 7 '/u02/x.dbf'"));
  }

  @Test
  void shouldAttachTheReasonToTheFileBeforeItOnly() {
    OpenFailure failure = OpenFailure.parse("ORA-01157: cannot identify/lock data file 5 - see DBWR trace file\n"
        + "ORA-27041: unable to open file\nLinux-x86_64 Error: 13: Permission denied\nLinux-x86_64 Error: 2: No such file or directory\n"
        + "ORA-01110: data file 5: '/u02/oradata/ORCL/x.dbf'\n");

    assertThat(failure.files()).containsExactly(new DamagedFile(5, Optional.of("/u02/oradata/ORCL/x.dbf"), Problem.MISSING,
        Optional.of("Linux-x86_64 Error: 13: Permission denied")));
  }
}
