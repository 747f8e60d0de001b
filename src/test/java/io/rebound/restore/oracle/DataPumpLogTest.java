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
}
