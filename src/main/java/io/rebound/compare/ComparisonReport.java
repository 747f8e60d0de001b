package io.rebound.compare;

import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A comparison as the API shows it: where it stands, and per table its counts, sample keys, progress
 * (chunks, attempts, rows a second, time left) and bytes read. A comparison outlives its runs (a retry of
 * its failed tables is another run), so its state is read from its tables, not from one run.
 */
public final class ComparisonReport {

  private ComparisonReport() {}

  /** RUNNING while a run of it goes on; then COMPLETED, FAILED when every table failed, else COMPLETED_WITH_FAILURES. */
  public static String state(List<TableRow> tables, boolean running) {
    long failed = tables.stream().filter(t -> t.status() == Status.FAILED).count();
    return running ? "RUNNING" : failed == 0 ? "COMPLETED" : failed == tables.size() ? "FAILED" : "COMPLETED_WITH_FAILURES";
  }

  public static Map<String, Object> of(Comparison comparison, List<TableRow> tables, boolean running, Instant now) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", comparison.id());
    view.put("state", state(tables, running));
    view.put("source", comparison.source());
    view.put("destination", comparison.destination());
    view.put("createdAt", comparison.createdAt().toString());
    view.put("tables", tables.stream().map(table -> table(table, now)).toList());
    return view;
  }

  static Map<String, Object> table(TableRow row, Instant now) {
    ChunkResult result = row.result();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", row.name());
    if (row.spec() != null && row.spec().destinationName() != null) {
      view.put("destinationName", row.spec().destinationName());
    }
    view.put("status", row.status().name());
    view.put("sourceRows", result.sourceRows());
    view.put("destinationRows", result.destinationRows());
    view.put("missingInDestination", result.missingInDestination());
    view.put("missingInSource", result.missingInSource());
    view.put("different", result.different());
    view.put("samples", Map.of("missingInDestination", result.missingInDestinationKeys(), "missingInSource", result.missingInSourceKeys(),
        "different", result.differentKeys()));
    view.put("columnsDiffering", result.differentRows());
    view.put("error", row.error());
    view.put("progress", progress(row, now));
    view.put("bytesRead", Map.of("source", result.sourceBytes(), "destination", result.destinationBytes()));
    return view;
  }

  /**
   * A table's view ({@link #table}) without its sample keys and the columns of its different rows, as a list
   * of comparisons shows it: those are in the comparison's own report.
   */
  public static Map<String, Object> withoutSamples(Map<String, Object> table) {
    Map<String, Object> brief = new LinkedHashMap<>(table);
    brief.remove("samples");
    brief.remove("columnsDiffering");
    return brief;
  }

  /** Chunks done and in all, attempts, when it started and ended; rows a second and, while it runs, seconds left. */
  static Map<String, Object> progress(TableRow row, Instant now) {
    ChunkResult result = row.result();
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("chunksDone", row.chunksDone());
    progress.put("chunksTotal", row.chunksTotal());
    progress.put("attempts", row.attempts());
    progress.put("startedAt", row.startedAt() == null ? null : row.startedAt().toString());
    progress.put("finishedAt", row.finishedAt() == null ? null : row.finishedAt().toString());
    if (row.startedAt() != null && row.updatedAt() != null && row.chunksDone() > 0) {
      Instant until = row.finishedAt() != null ? row.finishedAt() : row.updatedAt();
      double seconds = Math.max(0.001, Duration.between(row.startedAt(), until).toMillis() / 1000.0);
      progress.put("rowsPerSecond", Math.round(Math.max(result.sourceRows(), result.destinationRows()) / seconds));
      if (row.status() == Status.RUNNING) {
        double perChunk = Duration.between(row.startedAt(), now).toMillis() / 1000.0 / row.chunksDone();
        progress.put("etaSeconds", Math.round(perChunk * (row.chunksTotal() - row.chunksDone())));
      }
    }
    return progress;
  }
}
