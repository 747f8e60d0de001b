package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.compare.ChunkResult;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.compare.RowDifferences.ColumnValues;
import io.rebound.compare.RowDifferences.Row;
import io.rebound.compare.TableSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonMarkdownTest {

  private static final Comparison COMPARISON = new Comparison("c1", "prod", "restored", 1000, 2, 20, Instant.parse("2026-11-30T10:00:00Z"));

  @Test
  void shouldSayIdenticalOnlyWhenEveryTableWasComparedToItsEndAndFoundEqual() {
    TableRow equal = row("shop.a", Status.COMPLETED, result(10, 10, 0, 0, 0), null);
    assertThat(ComparisonMarkdown.verdict(List.of(equal), false)).startsWith("IDENTICAL: ");
    assertThat(ComparisonMarkdown.verdict(List.of(equal), true)).isEqualTo("NOT KNOWN YET: the comparison is still running");
    assertThat(ComparisonMarkdown.verdict(List.of(), false)).isEqualTo("NOT KNOWN: no table was compared");
    assertThat(ComparisonMarkdown.verdict(List.of(equal, row("shop.b", Status.FAILED, null, "gone")), false))
        .isEqualTo("NOT KNOWN: 1 table was not compared to the end");
    assertThat(ComparisonMarkdown.verdict(List.of(equal, row("shop.b", Status.COMPLETED, result(10, 10, 0, 0, 1), null)), false))
        .isEqualTo("DIFFERENT: 1 table differs");
    assertThat(ComparisonMarkdown.verdict(List.of(row("shop.a", Status.COMPLETED, result(10, 9, 0, 0, 0), null)), false))
        .as("counts that differ without a sampled key").isEqualTo("DIFFERENT: 1 table differs");
    assertThat(ComparisonMarkdown.verdict(List.of(row("shop.a", Status.COMPLETED, result(10, 9, 1, 0, 0), null),
        row("shop.b", Status.COMPLETED, result(10, 10, 0, 1, 0), null), row("shop.c", Status.RUNNING, null, null),
        row("shop.d", Status.FAILED, null, "x")), false)).isEqualTo("DIFFERENT: 2 tables differ; 2 tables were not compared to the end");
  }

  @Test
  void shouldReportCountsSampleKeysAndTheColumnsThatDifferWithSecretsWithheld() {
    ChunkResult items = new ChunkResult(100, 100, 2, 1, 3, List.of("5", "9"), List.of("101"), List.of("7", "8"), 0, 0, 1, 10,
        List.of(new Row("7", List.of(new ColumnValues("price", "0.7", "99.5", false), new ColumnValues("note", "n7", null, false))),
            new Row("8", List.of(new ColumnValues("password_hash", null, null, true))), new Row("(1, 2)", List.of())));
    TableRow renamed = new TableRow("c1", "shop.items", new TableSpec("shop.items", null, null, null, null, "archive.items"), Status.COMPLETED,
        1, 1, List.of(), items, null, 1, null, null, null);

    String report = ComparisonMarkdown.markdown(COMPARISON, List.of(renamed, row("shop.equal", Status.COMPLETED, result(5, 5, 0, 0, 0), null),
        row("shop.gone", Status.FAILED, null, "shop.gone does not exist | or cannot be read")), false);

    assertThat(report).startsWith("# Comparison c1\n");
    assertThat(report).contains("| Verdict | DIFFERENT: 1 table differs; 1 table was not compared to the end |", "| State | COMPLETED_WITH_FAILURES |",
        "| Source | prod |", "| Destination | restored |", "| Created | 2026-11-30T10:00:00.000Z |");
    assertThat(report).contains("| shop.items | archive.items | COMPLETED | 100 | 100 | 2 | 1 | 3 |",
        "| shop.equal | shop.equal | COMPLETED | 5 | 5 | 0 | 0 | 0 |", "| shop.gone | shop.gone | FAILED | 0 | 0 | 0 | 0 | 0 |");
    assertThat(report).contains("## shop.items\n\n- Missing in the destination: 2 rows, keys `5`, `9`\n- Missing in the source: 1 row, keys `101`\n"
        + "- Different: 3 rows, first keys `7`, `8`\n");
    assertThat(report).contains("| `7` | price | `0.7` | `99.5` |", "| `7` | note | `n7` | NULL |", "| `8` | password_hash | (withheld) | (withheld) |",
        "| `(1, 2)` | (no column differs as text");
    assertThat(report).contains("## shop.gone\n\nFailed: shop.gone does not exist \\| or cannot be read\n");
    assertThat(report).doesNotContain("## shop.equal");
  }

  private static ChunkResult result(long source, long destination, long missingInDestination, long missingInSource, long different) {
    return new ChunkResult(source, destination, missingInDestination, missingInSource, different, List.of(), List.of(), List.of(), 0, 0, 0, 0);
  }

  private static TableRow row(String name, Status status, ChunkResult result, String error) {
    return new TableRow("c1", name, new TableSpec(name, null, null, null, null), status, 1, 1, List.of(), result, error, 1, null, null, null);
  }
}
