package io.rebound.compare;

import io.rebound.compare.CompareSql.SessionLimits;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
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
 * @param secretColumns columns whose values a comparison's results never show, only their names: regular
 *     expressions matched, ignoring case, against a column's name and its {@code schema.table.column}, besides
 *     {@link RowDifferences.Withholding#DEFAULT_PATTERNS} (passwords, tokens, keys...)
 */
@ConfigurationProperties("rebound.comparison")
public record ComparisonProperties(
    @DefaultValue("256MB") DataSize maxChunkSize,
    @DefaultValue("90s") Duration statementTimeout,
    @DefaultValue("10s") Duration lockTimeout,
    @DefaultValue("1000") int maxTables,
    List<String> secretColumns) {

  @ConstructorBinding
  public ComparisonProperties {
    // Checked when the application starts: a zero or negative timeout would turn the limit off.
    new SessionLimits(statementTimeout, lockTimeout);
    if (maxTables < 1) {
      throw new IllegalArgumentException("rebound.comparison.max-tables must be at least 1");
    }
    secretColumns = secretColumns == null ? List.of() : List.copyOf(secretColumns);
    for (String pattern : secretColumns) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("rebound.comparison.secret-columns: '" + pattern + "' is no regular expression: "
            + e.getDescription());
      }
    }
  }

  public ComparisonProperties(DataSize maxChunkSize, Duration statementTimeout, Duration lockTimeout, int maxTables) {
    this(maxChunkSize, statementTimeout, lockTimeout, maxTables, List.of());
  }

  /** The limits every comparison session runs under. */
  public SessionLimits sessionLimits() {
    return new SessionLimits(statementTimeout, lockTimeout);
  }
}
