package io.rebound.compare;

import io.rebound.compare.CompareSql.SessionLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code rebound.comparison.*}.
 *
 * @param maxChunkSize the most table a chunk takes, as the source's statistics tell its rows' average
 *     size: a table of wide rows (large text, LOBs) gets chunks of fewer rows than asked, so that a chunk
 *     stays a matter of seconds, well inside the job executor's lock time
 * @param statementTimeout the longest a comparison's statement may run: a chunk takes seconds, but splitting
 *     a table whose key is not a whole number reads all of its keys in one statement. Under the job
 *     executor's lock time (two minutes), so a statement that hangs ends before another node takes its job
 *     over. PostgreSQL: {@code statement_timeout}; Oracle: the JDBC query timeout of every statement
 * @param lockTimeout the longest a comparison's statement waits for a lock (PostgreSQL {@code lock_timeout}:
 *     reading a table another session holds exclusively, during a restore, fails fast instead of queueing
 *     every later reader behind it). Oracle's queries never wait for locks
 * @param maxTables the most tables one comparison may name
 */
@ConfigurationProperties("rebound.comparison")
public record ComparisonProperties(
    @DefaultValue("256MB") DataSize maxChunkSize,
    @DefaultValue("90s") Duration statementTimeout,
    @DefaultValue("10s") Duration lockTimeout,
    @DefaultValue("1000") int maxTables) {

  public ComparisonProperties {
    // Checked when the application starts: a zero or negative timeout would turn the limit off.
    new SessionLimits(statementTimeout, lockTimeout);
    if (maxTables < 1) {
      throw new IllegalArgumentException("rebound.comparison.max-tables must be at least 1");
    }
  }

  /** The limits every comparison session runs under. */
  public SessionLimits sessionLimits() {
    return new SessionLimits(statementTimeout, lockTimeout);
  }
}
