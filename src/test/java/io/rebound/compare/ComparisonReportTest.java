package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {

  private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void shouldReadTheStateFromTheTablesOnceNoRunGoesOn() {
    assertThat(ComparisonReport.state(List.of(row(Status.COMPLETED, 2, 2, null), row(Status.FAILED, 0, 2, null)), true)).isEqualTo("RUNNING");
    assertThat(ComparisonReport.state(List.of(row(Status.COMPLETED, 2, 2, null)), false)).isEqualTo("COMPLETED");
    assertThat(ComparisonReport.state(List.of(row(Status.FAILED, 0, 2, null)), false)).isEqualTo("FAILED");
    assertThat(ComparisonReport.state(List.of(row(Status.COMPLETED, 2, 2, null), row(Status.FAILED, 0, 2, null)), false))
        .isEqualTo("COMPLETED_WITH_FAILURES");
  }

  @Test
  void shouldGiveTheRateAndWhileATableRunsTheTimeLeft() {
    // 4 of 10 chunks in 40 s, 1000 rows each side so far: 25 rows a second, 10 s a chunk, 6 chunks left.
    Map<String, Object> running = ComparisonReport.progress(row(Status.RUNNING, 4, 10, null), START.plusSeconds(40));
    assertThat(running).containsEntry("chunksDone", 4).containsEntry("chunksTotal", 10).containsEntry("rowsPerSecond", 25L)
        .containsEntry("etaSeconds", 60L).containsEntry("startedAt", START.toString());

    Map<String, Object> done = ComparisonReport.progress(row(Status.COMPLETED, 10, 10, START.plusSeconds(20)), START.plusSeconds(99));
    assertThat(done).containsEntry("rowsPerSecond", 50L).containsEntry("finishedAt", START.plusSeconds(20).toString())
        .doesNotContainKey("etaSeconds");
    assertThat(ComparisonReport.progress(row(Status.RUNNING, 0, 10, null), START.plusSeconds(5))).doesNotContainKeys("rowsPerSecond", "etaSeconds");
  }

  @Test
  void shouldShowCountsSamplesErrorsAndBytesOfATable() {
    Map<String, Object> table = ComparisonReport.table(row(Status.FAILED, 1, 3, null), START);
    assertThat(table).containsEntry("name", "s.t").containsEntry("status", "FAILED").containsEntry("sourceRows", 1000L)
        .containsEntry("missingInDestination", 1L).containsEntry("error", "boom")
        .containsEntry("samples", Map.of("missingInDestination", List.of("k1"), "missingInSource", List.of(), "different", List.of("k2")))
        .containsEntry("bytesRead", Map.of("source", 10L, "destination", 20L));
  }

  @Test
  void shouldLeaveSamplesAndColumnsOutOfATableInAList() {
    Map<String, Object> table = ComparisonReport.table(row(Status.COMPLETED, 3, 3, START.plusSeconds(20)), START);

    Map<String, Object> brief = ComparisonReport.withoutSamples(table);

    assertThat(brief).doesNotContainKeys("samples", "columnsDiffering").containsEntry("missingInDestination", 1L)
        .containsEntry("different", 1L).containsKeys("progress", "bytesRead");
    assertThat(List.copyOf(brief.keySet())).as("in the order the report has them")
        .isEqualTo(table.keySet().stream().filter(k -> !k.equals("samples") && !k.equals("columnsDiffering")).toList());
    assertThat(table).as("the report itself unchanged").containsKeys("samples", "columnsDiffering");
  }

  private static TableRow row(Status status, int done, int total, Instant finished) {
    ChunkResult result = new ChunkResult(1000, 900, 1, 0, 1, List.of("k1"), List.of(), List.of("k2"), 10, 20, done, 0);
    return new TableRow("c", "s.t", null, status, total, done, List.of(), result, status == Status.FAILED ? "boom" : null, done, START,
        START.plusSeconds(40), finished);
  }
}
