package io.rebound.api;

import io.rebound.compare.ChunkResult;
import io.rebound.compare.ComparisonReport;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.compare.RowDifferences;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A comparison as a Markdown report to attach to a ticket: the verdict in words, per table its counts, then for
 * each table that differs or failed its sample keys and the columns that differ in its sampled rows (values of
 * secret columns withheld, as the results hold them).
 */
final class ComparisonMarkdown {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ComparisonMarkdown() {}

  /** The verdict in words: identical is said only as {@link Verdict} says it. */
  static String verdict(List<TableRow> tables, boolean running) {
    if (Verdict.identical(tables, running)) {
      return "IDENTICAL: every table was compared to its end, and no row is missing or different on either side";
    }
    if (running) {
      return "NOT KNOWN YET: the comparison is still running";
    }
    if (tables.isEmpty()) {
      return "NOT KNOWN: no table was compared";
    }
    long differing = tables.stream().filter(t -> t.status() == Status.COMPLETED && differs(t.result())).count();
    long unfinished = tables.stream().filter(t -> t.status() != Status.COMPLETED).count();
    StringBuilder words = new StringBuilder(differing > 0 ? "DIFFERENT: " : "NOT KNOWN: ");
    if (differing > 0) {
      words.append(differing).append(differing == 1 ? " table differs" : " tables differ");
    }
    if (unfinished > 0) {
      words.append(differing > 0 ? "; " : "").append(unfinished).append(unfinished == 1 ? " table was" : " tables were")
          .append(" not compared to the end");
    }
    return words.toString();
  }

  static String markdown(Comparison comparison, List<TableRow> tables, boolean running) {
    StringBuilder md = new StringBuilder();
    md.append("# Comparison ").append(comparison.id()).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| Verdict | ").append(verdict(tables, running)).append(" |\n");
    md.append("| State | ").append(ComparisonReport.state(tables, running)).append(" |\n");
    md.append("| Source | ").append(cell(comparison.source())).append(" |\n");
    md.append("| Destination | ").append(cell(comparison.destination())).append(" |\n");
    md.append("| Created | ").append(ISO.format(comparison.createdAt())).append(" |\n");
    md.append("\n## Tables\n\n| Table | On the destination | Status | Source rows | Destination rows | Missing in destination"
        + " | Missing in source | Different |\n|---|---|---|---:|---:|---:|---:|---:|\n");
    for (TableRow table : tables) {
      ChunkResult result = table.result() == null ? ChunkResult.EMPTY : table.result();
      String onDestination = table.spec() == null ? table.name() : table.spec().nameOnDestination();
      md.append("| ").append(cell(table.name())).append(" | ").append(cell(onDestination)).append(" | ").append(table.status().name())
          .append(" | ").append(result.sourceRows()).append(" | ").append(result.destinationRows()).append(" | ")
          .append(result.missingInDestination()).append(" | ").append(result.missingInSource()).append(" | ").append(result.different())
          .append(" |\n");
    }
    for (TableRow table : tables) {
      ChunkResult result = table.result() == null ? ChunkResult.EMPTY : table.result();
      if (table.error() == null && !differs(result)) {
        continue;
      }
      md.append("\n## ").append(table.name()).append("\n\n");
      if (table.error() != null) {
        md.append("Failed: ").append(cell(table.error())).append("\n\n");
      }
      keys(md, "Missing in the destination", result.missingInDestination(), result.missingInDestinationKeys());
      keys(md, "Missing in the source", result.missingInSource(), result.missingInSourceKeys());
      keys(md, "Different", result.different(), result.differentKeys());
      if (!result.differentRows().isEmpty()) {
        md.append("\nColumns that differ in the first different rows:\n\n| Key | Column | Source | Destination |\n|---|---|---|---|\n");
        for (RowDifferences.Row row : result.differentRows()) {
          if (row.columns().isEmpty()) {
            md.append("| ").append(code(row.key())).append(" | (no column differs as text; the values differ by type) | | |\n");
          }
          for (RowDifferences.ColumnValues column : row.columns()) {
            md.append("| ").append(code(row.key())).append(" | ").append(cell(column.column())).append(" | ")
                .append(column.withheld() ? "(withheld)" : value(column.source())).append(" | ")
                .append(column.withheld() ? "(withheld)" : value(column.destination())).append(" |\n");
          }
        }
      }
    }
    return md.toString();
  }

  private static boolean differs(ChunkResult result) {
    return result != null && (result.differences() > 0 || result.sourceRows() != result.destinationRows());
  }

  private static void keys(StringBuilder md, String what, long count, List<String> samples) {
    if (count == 0) {
      return;
    }
    md.append("- ").append(what).append(": ").append(count).append(count == 1 ? " row" : " rows");
    if (!samples.isEmpty()) {
      md.append(samples.size() < count ? ", first keys " : ", keys ")
          .append(String.join(", ", samples.stream().map(ComparisonMarkdown::code).toList()));
    }
    md.append("\n");
  }

  private static String value(String value) {
    return value == null ? "NULL" : code(value);
  }

  /** Text as inline code in a table cell: one line, its pipes escaped, its backticks inside a longer delimiter. */
  static String code(String text) {
    return AuditReport.inline(text);
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }
}
