package io.rebound.api;

import io.rebound.compare.ChunkResult;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import java.util.List;

/**
 * Whether a comparison found its tables identical. A reader acts on "identical" (a restore trusted, a copy
 * dropped): it is said only when every table was compared to its end and no row was missing or different on
 * either side; a comparison still running, a table not compared or failed, or no table at all is not identical.
 */
final class Verdict {

  private Verdict() {}

  static boolean identical(List<TableRow> tables, boolean running) {
    if (running || tables.isEmpty()) {
      return false;
    }
    for (TableRow table : tables) {
      ChunkResult result = table.result();
      if (table.status() != Status.COMPLETED || result == null || result.missingInDestination() != 0 || result.missingInSource() != 0
          || result.different() != 0 || result.sourceRows() != result.destinationRows()) {
        return false;
      }
    }
    return true;
  }
}
