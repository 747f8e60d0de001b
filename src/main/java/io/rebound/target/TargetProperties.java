package io.rebound.target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * One configured database, bound from {@code rebound.targets.<name>.*}. These property names are a
 * contract: a target given only by command-line properties or environment variables must work.
 *
 * @param dialect {@code oracle} or {@code postgresql}
 * @param url JDBC URL of the target, connecting as a privileged user (SYS/SYSTEM, a PostgreSQL superuser)
 * @param username the privileged user
 * @param password its password; prefer {@code password-file} or an environment variable
 * @param passwordFile a file holding the password (first line), e.g. a mounted secret
 * @param dumpDirectory the host path behind the Data Pump DIRECTORY, or where pg_restore reads dumps
 * @param directoryName the Oracle DIRECTORY object that points at {@code dumpDirectory}
 * @param binDirectory where pg_dump and pg_restore live (PostgreSQL); found on the usual paths if unset
 * @param parallelism parallel workers for imports and exports; 2 on PostgreSQL and 1 on Oracle unless set
 *     (parallel Data Pump is an Enterprise Edition feature)
 * @param userPasswords passwords for the users the bootstrap step creates, by user name; a user without
 *     one is created locked, for a DBA to unlock deliberately
 * @param userPasswordFiles the same, as files holding the password
 * @param comparisonUsername a read-only account that comparisons connect as instead of the privileged user
 *     (recommended: a comparison then can only read); unset, comparisons use the privileged user
 * @param comparisonPassword its password; prefer {@code comparison-password-file} or an environment variable
 * @param comparisonPasswordFile a file holding it (first line)
 * @param connectTimeout the longest Rebound waits to connect and log in (default 10 s)
 * @param statementTimeout the longest one statement runs before the server or the driver cancels it
 *     (default 90 s, under the job executor's lock time; 0 for none); the socket's read timeout is a minute longer
 * @param lockTimeout the longest a statement waits for a lock, e.g. a DROP behind an application's
 *     transaction (default 1 min; PostgreSQL {@code lock_timeout}, Oracle {@code DDL_LOCK_TIMEOUT})
 */
public record TargetProperties(
    Dialect dialect,
    String url,
    String username,
    String password,
    Path passwordFile,
    Path dumpDirectory,
    String directoryName,
    Path binDirectory,
    Integer parallelism,
    Map<String, String> userPasswords,
    Map<String, Path> userPasswordFiles,
    String comparisonUsername,
    String comparisonPassword,
    Path comparisonPasswordFile,
    Duration connectTimeout,
    Duration statementTimeout,
    Duration lockTimeout) {

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Under the job executor's lock time (2 min), so that no node takes a step whose statement still runs. */
  static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(90);
  static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(1);

  @ConstructorBinding
  public TargetProperties {
    userPasswords = userPasswords == null ? Map.of() : Map.copyOf(userPasswords);
    userPasswordFiles = userPasswordFiles == null ? Map.of() : Map.copyOf(userPasswordFiles);
    directoryName = directoryName == null || directoryName.isBlank() ? "REBOUND_DUMP" : directoryName;
    parallelism = parallelism == null || parallelism < 1 ? (dialect == Dialect.ORACLE ? 1 : 2) : parallelism;
    comparisonUsername = comparisonUsername == null || comparisonUsername.isBlank() ? null : comparisonUsername.strip();
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
    lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
  }

  /** A target with the default timeouts. */
  public TargetProperties(Dialect dialect, String url, String username, String password, Path passwordFile, Path dumpDirectory,
      String directoryName, Path binDirectory, Integer parallelism, Map<String, String> userPasswords, Map<String, Path> userPasswordFiles,
      String comparisonUsername, String comparisonPassword, Path comparisonPasswordFile) {
    this(dialect, url, username, password, passwordFile, dumpDirectory, directoryName, binDirectory, parallelism, userPasswords,
        userPasswordFiles, comparisonUsername, comparisonPassword, comparisonPasswordFile, null, null, null);
  }

  /** A target whose comparisons connect as the privileged user. */
  public TargetProperties(Dialect dialect, String url, String username, String password, Path passwordFile, Path dumpDirectory,
      String directoryName, Path binDirectory, Integer parallelism, Map<String, String> userPasswords, Map<String, Path> userPasswordFiles) {
    this(dialect, url, username, password, passwordFile, dumpDirectory, directoryName, binDirectory, parallelism, userPasswords,
        userPasswordFiles, null, null, null, null, null, null);
  }
}
