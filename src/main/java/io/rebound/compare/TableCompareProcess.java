package io.rebound.compare;

/** The table-compare process: its key, element IDs, variable names and error codes. */
public final class TableCompareProcess {

  public static final String KEY = "table-compare";

  private TableCompareProcess() {}

  /** Element IDs of {@code processes/table-compare.bpmn}. */
  public static final class Elements {
    public static final String PREPARE_TABLE = "Task_PrepareTable";
    public static final String COMPARE_CHUNK = "Task_CompareChunk";
    public static final String SUMMARISE = "Task_Summarise";
    public static final String END_COMPLETED = "EndEvent_Completed";
    public static final String END_COMPLETED_WITH_FAILURES = "EndEvent_CompletedWithFailures";

    private Elements() {}
  }

  /** Process variable names. */
  public static final class Variables {
    public static final String COMPARISON_ID = "comparisonId";
    public static final String SOURCE = "source";
    public static final String DESTINATION = "destination";
    public static final String TABLES = "tables";
    public static final String CHUNK_SIZE = "chunkSize";
    public static final String PARALLELISM = "parallelism";
    public static final String MAX_DIFFERENCES = "maxReportedDifferences";
    public static final String RETRY_OF = "retryOf";
    public static final String TABLE_COUNT = "tableCount";
    public static final String LANE = "lane";
    public static final String TABLE = "table";
    public static final String MORE_CHUNKS = "moreChunks";
    /** Set by a chunk when the loop should pass through a timer before the next one. */
    public static final String YIELD = "yieldToTimer";
    public static final String FAILED_TABLES = "failedTables";

    private Variables() {}
  }

  /** BPMN error codes the model catches. */
  public static final class Errors {
    public static final String TABLE_FAILED = "Error_TableFailed";

    private Errors() {}
  }
}
