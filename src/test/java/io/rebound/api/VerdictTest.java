package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.compare.ChunkResult;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {

  private static TableRow table(Status status, ChunkResult result) {
    return new TableRow("c", "T", null, status, 1, 1, List.of(), result, null, 1, null, null, null);
  }

  private static ChunkResult result(long source, long destination, long missingInDestination, long missingInSource, long different) {
    return new ChunkResult(source, destination, missingInDestination, missingInSource, different, List.of(), List.of(), List.of(), 0, 0, 0, 0);
  }

  @Test
  void shouldCallEveryTableComparedEqualIdentical() {
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(10, 10, 0, 0, 0)), table(Status.COMPLETED, result(0, 0, 0, 0, 0))),
        false)).isTrue();
  }

  @Test
  void shouldNotCallAnyDifferenceIdentical() {
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(10, 9, 1, 0, 0))), false)).isFalse();
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(9, 10, 0, 1, 0))), false)).isFalse();
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(10, 10, 0, 0, 1))), false)).isFalse();
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(10, 11, 0, 0, 0))), false)).isFalse();
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(10, 10, 0, 0, 0)), table(Status.COMPLETED, result(1, 1, 0, 0, 2))),
        false)).isFalse();
  }

  @Test
  void shouldNotCallATableNotComparedToItsEndIdentical() {
    for (Status status : new Status[] {Status.PENDING, Status.RUNNING, Status.FAILED}) {
      assertThat(Verdict.identical(List.of(table(status, result(0, 0, 0, 0, 0))), false)).as(status.name()).isFalse();
    }
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, null)), false)).isFalse();
  }

  @Test
  void shouldNotCallARunningOrEmptyComparisonIdentical() {
    assertThat(Verdict.identical(List.of(table(Status.COMPLETED, result(1, 1, 0, 0, 0))), true)).isFalse();
    assertThat(Verdict.identical(List.of(), false)).isFalse();
  }
}
