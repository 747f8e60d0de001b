package io.rebound.compare;

import java.util.List;

/** Validated inputs of a comparison. */
public record ComparisonRequest(String source, String destination, List<TableSpec> tables, int chunkSize, int parallelism,
    int maxDifferences) {

  public ComparisonRequest {
    tables = List.copyOf(tables);
  }
}
