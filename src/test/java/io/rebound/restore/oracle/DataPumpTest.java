package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.oracle.DataPump.JobParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataPumpTest {

  private final JobParameters importJob = new JobParameters("IMPORT", "REBOUND_IMP_1A2B3C4D5E6F", "WINSTORE_DUMP",
      "winstore_full_backup.dmp", "rebound_import_1a2b3c4d5e6f.log", List.of("WINSTORE_ADMIN"), 2);

  @Test
  void shouldDescribeTheImportAsTheRunbookWritesIt() {
    assertThat(importJob.describe()).containsExactly("DBMS_DATAPUMP IMPORT job REBOUND_IMP_1A2B3C4D5E6F", "SCHEMAS=WINSTORE_ADMIN",
        "DIRECTORY=WINSTORE_DUMP", "DUMPFILE=winstore_full_backup.dmp", "LOGFILE=rebound_import_1a2b3c4d5e6f.log",
        "TABLE_EXISTS_ACTION=REPLACE", "EXCLUDE=STATISTICS", "PARALLEL=2");
    assertThat(JobParameters.fromDescription(importJob.describe())).isEqualTo(importJob);
  }

  @Test
  void shouldOpenANamedSchemaImportWithBindsForEveryValue() {
    String block = DataPump.startBlock(importJob);

    assertThat(block).contains("DBMS_DATAPUMP.OPEN(operation => 'IMPORT', job_mode => 'SCHEMA', job_name => ?)")
        .contains("filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_DUMP_FILE);")
        .contains("filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_LOG_FILE, reusefile => 1);")
        .contains("METADATA_FILTER(handle => h, name => 'SCHEMA_LIST', value => ?)")
        .contains("SET_PARAMETER(handle => h, name => 'TABLE_EXISTS_ACTION', value => 'REPLACE')")
        .contains("name => 'EXCLUDE_PATH_EXPR', value => 'IN (''STATISTICS'')'")
        .contains("DBMS_DATAPUMP.START_JOB(handle => h);\n  DBMS_DATAPUMP.DETACH(handle => h);");
    assertThat(block.chars().filter(c -> c == '?').count()).isEqualTo(7);
    assertThat(importJob.schemaList()).isEqualTo("'WINSTORE_ADMIN'");
  }

  @Test
  void shouldExportWithoutImportOnlySettings() {
    JobParameters export = new JobParameters("EXPORT", "REBOUND_EXP_1", "D", "safety.dmp", "safety.log", List.of("A", "B"), 1);
    String block = DataPump.startBlock(export);

    assertThat(block).contains("operation => 'EXPORT'").contains("KU$_FILE_TYPE_DUMP_FILE, reusefile => 1)")
        .doesNotContain("TABLE_EXISTS_ACTION").doesNotContain("STATISTICS");
    assertThat(export.schemaList()).isEqualTo("'A','B'");
    assertThat(JobParameters.fromDescription(export.describe())).isEqualTo(export);
  }

  @Test
  void shouldPollByAttachingAndDetaching() {
    assertThat(DataPump.STATUS_BLOCK).contains("DBMS_DATAPUMP.ATTACH(job_name => ?, job_owner => ?)")
        .contains("KU$_STATUS_JOB_STATUS + DBMS_DATAPUMP.KU$_STATUS_JOB_ERROR").contains("status.job_status.percent_done")
        .contains("DBMS_DATAPUMP.DETACH(handle => h)");
    assertThat(DataPump.RESTART_BLOCK).contains("DBMS_DATAPUMP.START_JOB(handle => h, skip_current => 0)");
  }
}
