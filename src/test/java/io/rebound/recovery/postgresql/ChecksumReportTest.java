package io.rebound.recovery.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output of a real {@code pg_checksums --check} (PostgreSQL 15) read for triage. */
class ChecksumReportTest {

  private static final Path DATA = Path.of("/tmp/pgs/data");

  @Test
  void shouldNameTheFileAndBlockOfABadChecksumRelativeToTheDataDirectory() throws IOException {
    ChecksumReport report = ChecksumReport.read(ServerLogTest.sample("pg_checksums-bad-block.txt"), DATA);

    assertThat(report.checked()).isTrue();
    assertThat(report.badBlocks()).isEqualTo(Map.of("base/5/16389", List.of(0L)));
    assertThat(report.badChecksums()).isEqualTo(1);
    assertThat(report.summary()).isEqualTo("pg_checksums --check: 950 files scanned, 1 bad checksums in base/5/16389");
  }

  @Test
  void shouldSayWhyItCouldNotCheckARunningOrCrashedCluster() throws IOException {
    ChecksumReport report = ChecksumReport.read(ServerLogTest.sample("pg_checksums-not-shut-down.txt"), DATA);

    assertThat(report.checked()).isFalse();
    assertThat(report.badBlocks()).isEmpty();
    assertThat(report.badChecksums()).isEqualTo(-1);
    assertThat(report.summary()).isEqualTo("pg_checksums --check could not check: cluster must be shut down");
  }

  @Test
  void shouldReportACleanClusterAndGatherBlocksByFile() {
    String clean = "Checksum operation completed\nFiles scanned:   950\nBlocks scanned:  2807\nBad checksums:  0\nData checksum version: 1\n";
    assertThat(ChecksumReport.read(clean, DATA).summary()).isEqualTo("pg_checksums --check: 950 files scanned, 0 bad checksums");

    String two = "pg_checksums: error: checksum verification failed in file \"./base/5/16389\", block 3: calculated checksum E7A but"
        + " block contains FD9C\npg_checksums: error: checksum verification failed in file \"./base/5/16389\", block 9: calculated"
        + " checksum 1 but block contains 2\nFiles scanned:   950\nBad checksums:  2\n";
    ChecksumReport report = ChecksumReport.read(two, DATA);
    assertThat(report.badBlocks()).isEqualTo(Map.of("base/5/16389", List.of(3L, 9L)));
    assertThat(report.badChecksums()).isEqualTo(2);

    assertThat(ChecksumReport.read("Files scanned:   1\n", DATA).summary()).isEqualTo("pg_checksums --check: 1 files scanned, 0 bad"
        + " checksums");
    assertThat(ChecksumReport.read("something else entirely\n", DATA).summary())
        .isEqualTo("pg_checksums --check could not check: something else entirely");
  }
}
