package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataPumpLogTest {

  @Test
  void shouldReadASuccessfulImportWithItsRowCounts() {
    DataPumpLog log = DataPumpLog.parse("""
        Master table "SYSTEM"."REBOUND_IMP_1A2B" successfully loaded/unloaded
        Starting "SYSTEM"."REBOUND_IMP_1A2B":
        Processing object type SCHEMA_EXPORT/USER
        ORA-31684: Object type USER:"WINSTORE_ADMIN" already exists
        Processing object type SCHEMA_EXPORT/SYSTEM_GRANT
        Processing object type SCHEMA_EXPORT/TABLE/TABLE
        Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA
        . . imported "WINSTORE_ADMIN"."PRODUCTS"                  8.585 KB      40 rows
        . . imported "WINSTORE_ADMIN"."CATEGORIES"                5.539 KB       5 rows
        . . imported "WINSTORE_ADMIN"."SALES":"SALES_2026"        1.2 MB     12000 rows
        Processing object type SCHEMA_EXPORT/TABLE/CONSTRAINT/CONSTRAINT
        Job "SYSTEM"."REBOUND_IMP_1A2B" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12
        """.lines().toList());

    assertThat(log.outcome()).isEqualTo(DataPumpLog.Outcome.COMPLETED_WITH_ERRORS);
    assertThat(log.reportedErrors()).isEqualTo(1);
    assertThat(log.errors()).isEmpty();
    assertThat(log.warnings()).containsExactly("ORA-31684: Object type USER:\"WINSTORE_ADMIN\" already exists");
    assertThat(log.succeeded()).isTrue();
    assertThat(log.rows()).containsEntry("WINSTORE_ADMIN.PRODUCTS", 40L).containsEntry("WINSTORE_ADMIN.CATEGORIES", 5L)
        .containsEntry("WINSTORE_ADMIN.SALES:SALES_2026", 12000L);
  }

  @Test
  void shouldKeepRealErrorsWithTheirCauseAndFailingStatement() {
    DataPumpLog log = DataPumpLog.parse(List.of(
        "Processing object type SCHEMA_EXPORT/TABLE/CONSTRAINT/REF_CONSTRAINT",
        "ORA-39083: Object type REF_CONSTRAINT:\"WINSTORE_ADMIN\".\"FK_PRODUCTS_CATEGORY\" failed to create with error:",
        "ORA-02298: cannot validate (WINSTORE_ADMIN.FK_PRODUCTS_CATEGORY) - parent keys not found",
        "",
        "Failing sql is:",
        "ALTER TABLE \"WINSTORE_ADMIN\".\"PRODUCTS\" ADD CONSTRAINT \"FK_PRODUCTS_CATEGORY\" FOREIGN KEY (\"CATEGORY_ID\") REFERENCES \"WINSTORE_ADMIN\".\"CATEGORIES\" (\"CATEGORY_ID\") ENABLE",
        "Processing object type SCHEMA_EXPORT/TABLE/STATISTICS/MARKER",
        "Job \"SYSTEM\".\"REBOUND_IMP_1A2B\" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));

    assertThat(log.succeeded()).isFalse();
    assertThat(log.errors()).containsExactly(
        "ORA-39083: Object type REF_CONSTRAINT:\"WINSTORE_ADMIN\".\"FK_PRODUCTS_CATEGORY\" failed to create with error:",
        "ORA-02298: cannot validate (WINSTORE_ADMIN.FK_PRODUCTS_CATEGORY) - parent keys not found",
        "Failing sql is:",
        "ALTER TABLE \"WINSTORE_ADMIN\".\"PRODUCTS\" ADD CONSTRAINT \"FK_PRODUCTS_CATEGORY\" FOREIGN KEY (\"CATEGORY_ID\") REFERENCES \"WINSTORE_ADMIN\".\"CATEGORIES\" (\"CATEGORY_ID\") ENABLE");
  }

  @Test
  void shouldTellAFatalStopAndARunningJob() {
    assertThat(DataPumpLog.parse(List.of("ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:01")))
        .satisfies(log -> {
          assertThat(log.outcome()).isEqualTo(DataPumpLog.Outcome.FAILED);
          assertThat(log.errors()).hasSize(2);
          assertThat(log.succeeded()).isFalse();
        });
    DataPumpLog running = DataPumpLog.parse(List.of("Starting \"SYSTEM\".\"REBOUND_IMP_1\":", "Processing object type SCHEMA_EXPORT/TABLE/TABLE"));
    assertThat(running.ended()).isFalse();
    assertThat(DataPumpLog.parse(List.of("Job \"SYSTEM\".\"REBOUND_EXP_1\" successfully completed at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:04"))
        .succeeded()).isTrue();
  }

  @Test
  void shouldNotFailAnImportOnPlsqlCreatedWithCompilationWarnings() {
    DataPumpLog log = DataPumpLog.parse(List.of(
        "Processing object type SCHEMA_EXPORT/FUNCTION/FUNCTION",
        "ORA-39082: Object type FUNCTION:\"WINSTORE_ADMIN\".\"PRICE_OF\" created with compilation warnings",
        "Processing object type SCHEMA_EXPORT/VIEW/VIEW",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" completed with 1 error(s) at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.errors()).isEmpty();
    assertThat(log.warnings()).singleElement().asString().startsWith("ORA-39082");
  }

  @Test
  void shouldReadErrorsRowsAndTheEndByNumbersWhateverTheLanguage() {
    DataPumpLog log = DataPumpLog.parse(List.of(
        "Master-Tabelle \"SYSTEM\".\"REBOUND_IMP_1\" erfolgreich geladen/entladen",
        "\"SYSTEM\".\"REBOUND_IMP_1\" wird gestartet:",
        "Objekttyp SCHEMA_EXPORT/TABLE/TABLE wird verarbeitet",
        "KUP-11007: conversion error loading table \"WINSTORE_ADMIN\".\"PRODUCTS\"",
        "ORA-01722: Ungültige Zahl",
        "Objekttyp SCHEMA_EXPORT/TABLE/TABLE_DATA wird verarbeitet",
        ". . \"WINSTORE_ADMIN\".\"PRODUCTS\" importiert           8,585 KB      40 Zeilen",
        ". . importiert \"WINSTORE_ADMIN\".\"CATEGORIES\"        5,539 KB       5 Zeilen",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" mit 2 Fehler(n) am So Nov 22 01:02:03 2026 abgeschlossen, abgelaufen 0 00:00:12"));

    assertThat(log.ended()).isTrue();
    assertThat(log.outcome()).isEqualTo(DataPumpLog.Outcome.ENDED);
    assertThat(log.errors()).containsExactly("KUP-11007: conversion error loading table \"WINSTORE_ADMIN\".\"PRODUCTS\"", "ORA-01722: Ungültige Zahl");
    assertThat(log.reportedErrors()).isEqualTo(2);
    assertThat(log.rows()).containsEntry("WINSTORE_ADMIN.CATEGORIES", 5L);
    // Completed or stopped, only the words could say: not taken as success.
    assertThat(DataPumpLog.parse(List.of("Job \"SYSTEM\".\"REBOUND_IMP_1\" erfolgreich am So Nov 22 01:02:03 2026 abgeschlossen, 0 00:00:12"))
        .succeeded()).isFalse();
  }

  @Test
  void shouldTellAJobLostToAShutdownFromOneStoppedByItsOwnError() {
    DataPumpLog shutdown = DataPumpLog.parse(List.of(
        "Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA",
        "ORA-39097: Data Pump job encountered unexpected error -1089",
        "ORA-39065: unexpected master process exception in DISPATCH",
        "ORA-01089: immediate shutdown or close in progress - no operations are permitted",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));
    DataPumpLog quotedOnly = DataPumpLog.parse(List.of(
        "ORA-39097: Data Pump job encountered unexpected error -3113",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));
    DataPumpLog crashed = DataPumpLog.parse(List.of("Starting \"SYSTEM\".\"REBOUND_IMP_1\":",
        "Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA", ". . imported \"A\".\"T\"  1 KB  3 rows"));
    DataPumpLog fatal = DataPumpLog.parse(List.of("ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:01"));
    DataPumpLog shutdownAmongOthers = DataPumpLog.parse(List.of("ORA-01653: unable to extend table", "ORA-01089: immediate shutdown",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:01"));
    DataPumpLog framingOnly = DataPumpLog.parse(List.of("ORA-39097: Data Pump job encountered unexpected error -600",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:01"));

    assertThat(shutdown.stopCause()).isEqualTo(DataPumpLog.StopCause.SHUTDOWN);
    assertThat(shutdown.lastErrorCodes()).containsExactly("ORA-39097", "ORA-01089", "ORA-39065");
    assertThat(quotedOnly.stopCause()).isEqualTo(DataPumpLog.StopCause.SHUTDOWN);
    assertThat(crashed.stopCause()).isEqualTo(DataPumpLog.StopCause.SHUTDOWN);
    assertThat(fatal.stopCause()).isEqualTo(DataPumpLog.StopCause.FATAL_ERROR);
    assertThat(shutdownAmongOthers.stopCause()).isEqualTo(DataPumpLog.StopCause.FATAL_ERROR);
    assertThat(framingOnly.stopCause()).isEqualTo(DataPumpLog.StopCause.FATAL_ERROR);
  }

  @Test
  void shouldTakeAStopWithoutErrorsForAnOperatorsStopEvenAfterEarlierErrors() {
    DataPumpLog stopped = DataPumpLog.parse(List.of(
        "Processing object type SCHEMA_EXPORT/TABLE/CONSTRAINT/REF_CONSTRAINT",
        "ORA-39083: Object type REF_CONSTRAINT failed to create with error:",
        "ORA-02298: cannot validate - parent keys not found",
        "Processing object type SCHEMA_EXPORT/TABLE/TABLE_DATA",
        ". . imported \"A\".\"T\"  1 KB  3 rows",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped by user request at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));

    assertThat(stopped.ended()).isTrue();
    assertThat(stopped.lastErrorCodes()).isEmpty();
    assertThat(stopped.stopCause()).isEqualTo(DataPumpLog.StopCause.STOPPED_BY_OPERATOR);
    assertThat(stopped.succeeded()).isFalse();
  }

  @Test
  void shouldReadARestartedJobAsRunningAgain() {
    DataPumpLog restarted = DataPumpLog.parse(List.of(
        "ORA-01089: immediate shutdown or close in progress",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" has been reopened at Sun Nov 22 01:05:00 2026",
        "Restarting \"SYSTEM\".\"REBOUND_IMP_1\":"));

    assertThat(restarted.ended()).isFalse();
    assertThat(restarted.outcome()).isEqualTo(DataPumpLog.Outcome.RUNNING);
    assertThat(restarted.lastErrorCodes()).isEmpty();
    // Stopped by an operator after a restart: the error of the first run is not why it stopped now.
    DataPumpLog stoppedAfterRestart = DataPumpLog.parse(List.of(
        "ORA-39002: invalid operation",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12",
        "Restarting \"SYSTEM\".\"REBOUND_IMP_1\":",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped by user request at Sun Nov 22 01:09:03 2026 elapsed 0 00:04:00"));
    assertThat(stoppedAfterRestart.stopCause()).isEqualTo(DataPumpLog.StopCause.STOPPED_BY_OPERATOR);
  }

  @Test
  void shouldKeepAtMostThreeExplainingLinesOfAnErrorAndCutLongOnes() {
    String statement = "CREATE TABLE X (" + "C NUMBER, ".repeat(100) + ")";
    DataPumpLog log = DataPumpLog.parse(List.of("ORA-39083: Object type TABLE failed to create with error:", "ORA-00942: table or view does not exist",
        "Failing sql is:", statement, "more", "and more", "Processing object type SCHEMA_EXPORT/TABLE/INDEX"));

    assertThat(log.errors()).hasSize(5);
    assertThat(log.errors().get(3)).hasSize(501).endsWith("…");
    assertThat(log.errors()).doesNotContain("and more");
  }

  @Test
  void shouldJudgeAStopByWhatTheJobMetLastNotByErrorsItWentPast() {
    DataPumpLog afterObjects = DataPumpLog.parse(List.of(
        "ORA-39083: Object type REF_CONSTRAINT failed to create with error:",
        "ORA-02298: cannot validate - parent keys not found",
        "Processing object type SCHEMA_EXPORT/TABLE/INDEX/INDEX",
        "ORA-01089: immediate shutdown or close in progress",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));
    DataPumpLog afterRows = DataPumpLog.parse(List.of(
        "ORA-39083: Object type REF_CONSTRAINT failed to create with error:",
        ". . imported \"A\".\"T\"  1 KB  3 rows",
        "ORA-03113: end-of-file on communication channel",
        "Job \"SYSTEM\".\"REBOUND_IMP_1\" stopped due to fatal error at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:12"));

    assertThat(afterObjects.lastErrorCodes()).containsExactly("ORA-01089");
    assertThat(afterObjects.stopCause()).isEqualTo(DataPumpLog.StopCause.SHUTDOWN);
    assertThat(afterRows.stopCause()).isEqualTo(DataPumpLog.StopCause.SHUTDOWN);
    assertThat(afterObjects.errors()).hasSize(3);
  }

  @Test
  void shouldKeepNoLineAsAnErrorUnlessItFollowsOne() {
    DataPumpLog log = DataPumpLog.parse(List.of(
        "Master table \"SYSTEM\".\"REBOUND_EXP_1\" successfully loaded/unloaded",
        "******************************************************************************",
        "Dump file set for SYSTEM.REBOUND_EXP_1 is:",
        "  /opt/oracle/rebound-dumps/safety.dmp",
        "Job \"SYSTEM\".\"REBOUND_EXP_1\" successfully completed at Sun Nov 22 01:02:03 2026 elapsed 0 00:00:04"));

    assertThat(log.errors()).isEmpty();
    assertThat(log.reportedErrors()).isZero();
    assertThat(log.succeeded()).isTrue();
  }
}
