package io.rebound.compare;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Comparisons and their tables' progress and results, in the engine database. A batch of chunks' results and
 * the move past them commit together, in a transaction of their own as soon as the batch is compared: a job
 * compares several batches, and after a crash the run resumes at the first chunk whose result is not there.
 */
@Component
// Its tables come from the migrations in db/migration.
@DependsOnDatabaseInitialization
public class ComparisonStore {

  /** A table's status. */
  public enum Status { PENDING, RUNNING, COMPLETED, FAILED }

  /** One table of a comparison, with its progress and what was found so far. */
  public record TableRow(String comparisonId, String name, TableSpec spec, Status status, int chunksTotal, int chunksDone,
      List<KeyRange> ranges, ChunkResult result, String error, long attempts, Instant startedAt, Instant updatedAt, Instant finishedAt) {}

  private static final TypeReference<List<KeyRange>> RANGES = new TypeReference<>() {};

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;
  private final ObjectMapper json;

  public ComparisonStore(DataSource dataSource, PlatformTransactionManager transactions, ObjectMapper json) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.json = json;
  }

  /** A comparison's settings. */
  public record Comparison(String id, String source, String destination, int chunkSize, int parallelism, int maxDifferences, Instant createdAt) {}

  public void create(Comparison comparison, List<TableSpec> tables) {
    jdbc.update("INSERT INTO rebound_comparison (id, source, destination, chunk_size, parallelism, max_differences, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        comparison.id(), comparison.source(), comparison.destination(), comparison.chunkSize(), comparison.parallelism(),
        comparison.maxDifferences(), Timestamp.from(comparison.createdAt()));
    for (TableSpec table : tables) {
      jdbc.update("INSERT INTO rebound_comparison_table (comparison_id, name, run_id, spec, status, chunks_total, chunks_done, attempts)"
              + " VALUES (?, ?, ?, ?, ?, 0, 0, 0)",
          comparison.id(), table.name(), comparison.id(), write(table), Status.PENDING.name());
    }
  }

  public Optional<Comparison> comparison(String id) {
    return jdbc.query("SELECT * FROM rebound_comparison WHERE id = ?", (rs, n) -> new Comparison(rs.getString("id"), rs.getString("source"),
        rs.getString("destination"), rs.getInt("chunk_size"), rs.getInt("parallelism"), rs.getInt("max_differences"),
        rs.getTimestamp("created_at").toInstant()), id).stream().findFirst();
  }

  public List<TableRow> tables(String comparisonId) {
    return jdbc.query("SELECT * FROM rebound_comparison_table WHERE comparison_id = ? ORDER BY name", tableRow(), comparisonId);
  }

  public TableRow table(String comparisonId, String name) {
    return jdbc.query("SELECT * FROM rebound_comparison_table WHERE comparison_id = ? AND name = ?", tableRow(), comparisonId, name)
        .stream().findFirst().orElseThrow(() -> new IllegalStateException("no table " + name + " in comparison " + comparisonId));
  }

  /** The table is split into chunks and waits for them to be compared. */
  public void prepared(String comparisonId, String name, List<KeyRange> ranges) {
    Timestamp now = Timestamp.from(Instant.now());
    jdbc.update("UPDATE rebound_comparison_table SET status = ?, chunks_total = ?, chunks_done = 0, ranges = ?, result = ?, error = NULL,"
            + " started_at = ?, updated_at = ?, finished_at = NULL WHERE comparison_id = ? AND name = ?",
        Status.RUNNING.name(), ranges.size(), write(ranges), write(ChunkResult.EMPTY), now, now, comparisonId, name);
  }

  /** More chunks done: their results added and the cursor moved, committed at once. */
  public void chunkDone(String comparisonId, String name, int chunksDone, ChunkResult result, boolean finished) {
    Timestamp now = Timestamp.from(Instant.now());
    ownTransaction.executeWithoutResult(status -> jdbc.update(
        "UPDATE rebound_comparison_table SET chunks_done = ?, result = ?, updated_at = ?, status = ?, finished_at = ?"
            + " WHERE comparison_id = ? AND name = ?",
        chunksDone, write(result), now, finished ? Status.COMPLETED.name() : Status.RUNNING.name(), finished ? now : null, comparisonId, name));
  }

  /** The table failed; recorded in its own transaction so it stays whatever happens to the job. */
  public void failed(String comparisonId, String name, String error) {
    ownTransaction.executeWithoutResult(status -> jdbc.update(
        "UPDATE rebound_comparison_table SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE comparison_id = ? AND name = ?",
        Status.FAILED.name(), error == null ? null : error.substring(0, Math.min(error.length(), 3900)), Timestamp.from(Instant.now()),
        Timestamp.from(Instant.now()), comparisonId, name));
  }

  /**
   * Counts attempts at chunks, in its own transaction: it stays counted even when the attempt is lost
   * with its node, which is how a resumed run shows it did not redo finished chunks.
   */
  public void attempt(String comparisonId, String name, int chunks) {
    ownTransaction.executeWithoutResult(status -> jdbc.update(
        "UPDATE rebound_comparison_table SET attempts = attempts + ? WHERE comparison_id = ? AND name = ?", chunks, comparisonId, name));
  }

  /** Puts failed tables back to pending, as tables of the run that retries them; returns their names. */
  public List<String> resetFailed(String comparisonId, String runId) {
    List<String> failed = tables(comparisonId).stream().filter(t -> t.status() == Status.FAILED).map(TableRow::name).toList();
    for (String name : failed) {
      jdbc.update("UPDATE rebound_comparison_table SET run_id = ?, status = ?, chunks_total = 0, chunks_done = 0, ranges = NULL, result = NULL,"
          + " error = NULL, started_at = NULL, updated_at = NULL, finished_at = NULL WHERE comparison_id = ? AND name = ?",
          runId, Status.PENDING.name(), comparisonId, name);
    }
    return failed;
  }

  /** The tables a run compares, by name: fixed for the run, whatever their status becomes. */
  public List<String> tablesOfRun(String comparisonId, String runId) {
    return jdbc.queryForList("SELECT name FROM rebound_comparison_table WHERE comparison_id = ? AND run_id = ? ORDER BY name",
        String.class, comparisonId, runId);
  }

  private RowMapper<TableRow> tableRow() {
    return (ResultSet rs, int n) -> new TableRow(rs.getString("comparison_id"), rs.getString("name"), read(rs.getString("spec"), TableSpec.class),
        Status.valueOf(rs.getString("status")), rs.getInt("chunks_total"), rs.getInt("chunks_done"),
        rs.getString("ranges") == null ? List.of() : readRanges(rs.getString("ranges")),
        rs.getString("result") == null ? ChunkResult.EMPTY : read(rs.getString("result"), ChunkResult.class), rs.getString("error"),
        rs.getLong("attempts"), instant(rs, "started_at"), instant(rs, "updated_at"), instant(rs, "finished_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<KeyRange> readRanges(String text) {
    try {
      return json.readValue(text, RANGES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
