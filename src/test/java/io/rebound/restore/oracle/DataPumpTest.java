package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.restore.JobSpec;
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
    assertThat(JobParameters.of(importJob.spec())).isEqualTo(importJob);
  }

  @Test
  void shouldRunAJobFromThePlansDataNeverFromTheLinesShownToTheApprover() {
    JobSpec spec = importJob.spec();
    JobSpec shownOtherwise = new JobSpec(spec.name(), spec.file(), List.of("DBMS_DATAPUMP IMPORT job SOMETHING_ELSE", "PARALLEL=9"),
        spec.settings());
    JobSpec fromAnOlderPlan = new JobSpec(spec.name(), spec.file(), spec.parameters());

    assertThat(spec.name()).isEqualTo("REBOUND_IMP_1A2B3C4D5E6F");
    assertThat(spec.file()).isEqualTo("winstore_full_backup.dmp");
    assertThat(spec.parameters()).isEqualTo(importJob.describe());
    assertThat(JobParameters.of(shownOtherwise)).isEqualTo(importJob);
    assertThatThrownBy(() -> JobParameters.of(fromAnOlderPlan)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("carries no");
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
    assertThat(JobParameters.of(export.spec())).isEqualTo(export);
  }

  @Test
  void shouldPollByAttachingAndDetaching() {
    assertThat(DataPump.STATUS_BLOCK).contains("DBMS_DATAPUMP.ATTACH(job_name => ?, job_owner => ?)")
        .contains("KU$_STATUS_JOB_STATUS + DBMS_DATAPUMP.KU$_STATUS_JOB_ERROR").contains("status.job_status.percent_done")
        .contains("DBMS_DATAPUMP.DETACH(handle => h)");
    assertThat(DataPump.RESTART_BLOCK).contains("DBMS_DATAPUMP.START_JOB(handle => h, skip_current => 0)");
  }

  @Test
  void shouldCountARestartBeforeMakingItAndRefuseOnceTheLimitIsReached() {
    String block = DataPump.RESTART_BLOCK;

    assertThat(block.chars().filter(c -> c == '?').count()).isEqualTo(7);
    assertThat(block).contains("IF v_count < v_limit THEN\n    v_count := v_count + 1;").endsWith("  ? := v_count;\n  ? := v_restarted;\nEND;");
    assertThat(block.indexOf("UTL_FILE.PUT_LINE(f, TO_CHAR(v_count))")).isPositive()
        .isLessThan(block.indexOf("DBMS_DATAPUMP.START_JOB"));
    assertThat(DataPump.restartCountFile(importJob)).isEqualTo("rebound_import_1a2b3c4d5e6f.log.restarts");
    assertThat(DataPump.REMOVE_FILE_BLOCK).contains("IF v_exists THEN\n    UTL_FILE.FREMOVE(v_directory, v_file);")
        .contains("EXCEPTION WHEN UTL_FILE.INVALID_PATH THEN\n    v_exists := FALSE;");
  }

  @Test
  void shouldReadNoLogThroughADirectoryThatDoesNotExistYet() {
    // A fresh target: the bootstrap has not created the DIRECTORY, and FGETATTR raises ORA-29280 through it.
    assertThat(DataPump.READ_FILE_BLOCK).contains("    UTL_FILE.FGETATTR(v_directory, v_file, v_exists, v_length, v_block);\n"
        + "  EXCEPTION WHEN UTL_FILE.INVALID_PATH THEN\n    v_exists := FALSE;\n  END;\n  IF v_exists THEN");
  }

  @Test
  void shouldRunDataPumpInParallelOnlyWhereTheEditionHasIt() {
    assertThat(DataPump.parallelism("Oracle Database 19c Enterprise Edition", 4)).isEqualTo(4);
    assertThat(DataPump.parallelism("Oracle Database 12c Enterprise Edition ", 0)).isEqualTo(1);
    assertThat(DataPump.parallelism("Personal Oracle Database 19c Personal Edition", 2)).isEqualTo(2);
    assertThat(DataPump.parallelism("Oracle Database 19c Standard Edition 2", 4)).isEqualTo(1);
    assertThat(DataPump.parallelism("Oracle Database 23ai Free", 2)).isEqualTo(1);
    assertThat(DataPump.parallelism("Oracle Database 21c Express Edition", 2)).isEqualTo(1);
    assertThat(DataPump.parallelism(null, 2)).isEqualTo(1);
  }

  @Test
  void shouldExportInParallelOnlyIntoAFileSet() {
    assertThatThrownBy(() -> new JobParameters("EXPORT", "J", "D", "safety.dmp", "safety.log", List.of("A"), 2))
        .hasMessageContaining("%U");
    assertThatThrownBy(() -> new JobParameters("EXPORT", "J", "D", "safety.dmp", "safety.log", List.of("A"), 0))
        .hasMessageContaining("at least 1");
    JobParameters set = new JobParameters("EXPORT", "J", "D", "safety_%U.dmp", "safety.log", List.of("A"), 2);
    assertThat(set.firstFile()).isEqualTo("safety_01.dmp");
    assertThat(JobParameters.of(set.spec())).isEqualTo(set);
    // An import reads one file with several workers.
    assertThat(new JobParameters("IMPORT", "J", "D", "full.dmp", "full.log", List.of("A"), 4).firstFile()).isEqualTo("full.dmp");
    assertThat(DataPump.isFileSet("x_%u.dmp")).isTrue();
    assertThat(DataPump.firstFileOf("x_%u.dmp")).isEqualTo("x_01.dmp");
    assertThat(DataPump.isFileSet("x_u.dmp")).isFalse();
  }
}
