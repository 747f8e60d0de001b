package io.rebound.target;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.impl.calendar.CronTimer;
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
 * @param userPasswordFiles the same, as files holding the password; paths bound as text, so that an environment variable
 *     such as {@code REBOUND_TARGETS_XE_USERPASSWORDFILES_WINSTORE_ADMIN} binds a user whose name holds '_' (a map of
 *     {@code Path} values takes the name's parts as nested keys and binds nothing)
 * @param comparisonUsername a read-only account that comparisons connect as instead of the privileged user
 *     (recommended: a comparison then can only read); unset, comparisons use the privileged user
 * @param comparisonPassword its password; prefer {@code comparison-password-file} or an environment variable
 * @param comparisonPasswordFile a file holding it (first line)
 * @param connectTimeout the longest Rebound waits to connect and log in (default 10 s)
 * @param statementTimeout the longest one statement runs before the server or the driver cancels it
 *     (default 90 s, under the job executor's lock time; 0 for none); the socket's read timeout is a minute longer
 * @param lockTimeout the longest a statement waits for a lock, e.g. a DROP behind an application's
 *     transaction (default 1 min; PostgreSQL {@code lock_timeout}, Oracle {@code DDL_LOCK_TIMEOUT})
 * @param backup how the target's physical backups are scheduled, kept and taken ({@code rebound.targets.<name>.backup.*})
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
    Map<String, String> userPasswordFiles,
    String comparisonUsername,
    String comparisonPassword,
    Path comparisonPasswordFile,
    Duration connectTimeout,
    Duration statementTimeout,
    Duration lockTimeout,
    Backup backup) {

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
    backup = backup == null ? Backup.DEFAULTS : backup;
    if (dialect == Dialect.ORACLE && backup.method() == Backup.Method.PG_BASEBACKUP) {
      throw new IllegalArgumentException("backup.method pg_basebackup is for PostgreSQL targets; an Oracle target is backed up by"
          + " RMAN (backup.rman-command)");
    }
  }

  /** A target with the default backup settings. */
  public TargetProperties(Dialect dialect, String url, String username, String password, Path passwordFile, Path dumpDirectory,
      String directoryName, Path binDirectory, Integer parallelism, Map<String, String> userPasswords, Map<String, String> userPasswordFiles,
      String comparisonUsername, String comparisonPassword, Path comparisonPasswordFile, Duration connectTimeout,
      Duration statementTimeout, Duration lockTimeout) {
    this(dialect, url, username, password, passwordFile, dumpDirectory, directoryName, binDirectory, parallelism, userPasswords,
        userPasswordFiles, comparisonUsername, comparisonPassword, comparisonPasswordFile, connectTimeout, statementTimeout, lockTimeout,
        null);
  }

  /** A target with the default timeouts. */
  public TargetProperties(Dialect dialect, String url, String username, String password, Path passwordFile, Path dumpDirectory,
      String directoryName, Path binDirectory, Integer parallelism, Map<String, String> userPasswords, Map<String, String> userPasswordFiles,
      String comparisonUsername, String comparisonPassword, Path comparisonPasswordFile) {
    this(dialect, url, username, password, passwordFile, dumpDirectory, directoryName, binDirectory, parallelism, userPasswords,
        userPasswordFiles, comparisonUsername, comparisonPassword, comparisonPasswordFile, null, null, null, null);
  }

  /** A target whose comparisons connect as the privileged user. */
  public TargetProperties(Dialect dialect, String url, String username, String password, Path passwordFile, Path dumpDirectory,
      String directoryName, Path binDirectory, Integer parallelism, Map<String, String> userPasswords, Map<String, String> userPasswordFiles) {
    this(dialect, url, username, password, passwordFile, dumpDirectory, directoryName, binDirectory, parallelism, userPasswords,
        userPasswordFiles, null, null, null, null, null, null, null);
  }

  /**
   * The physical backups of a target, bound from {@code rebound.targets.<name>.backup.*}. These names are a contract
   * too. Every setting has a default or is checked where it is needed (a PostgreSQL backup needs the archive and data
   * directories), and a value of the wrong form stops the start with the setting named.
   *
   * @param fullSchedule when FULL backups start: a cron expression in Camunda's timer syntax (default Sundays 01:00)
   * @param incrementalSchedule when INCREMENTAL backups start (default Monday to Saturday 01:00)
   * @param archiveShippingInterval how often archived logs (WAL) are shipped between backups (default 5 min)
   * @param recoveryWindow how far back any point stays restorable; retention deletes only what no such point needs
   *     (default 14 days)
   * @param localArchiveRetention how long a shipped archived log stays on local disk too (default 24 h)
   * @param workDirectory where backups are written before upload and where their jobs keep their state; unset, the
   *     node's {@code rebound.work-directory} under {@code backup/<target>}
   * @param archiveDirectory PostgreSQL: where the server's {@code archive_command} puts completed WAL segments
   * @param dataDirectory PostgreSQL: the server's data directory, read by a backup, rebuilt by a restore; Oracle: where a
   *     database recovery restores datafiles whose own directory is gone (a relocation)
   * @param osUser PostgreSQL: the operating-system user the server runs as and its files belong to; unset, the user
   *     Rebound runs as
   * @param rmanCommand Oracle: how RMAN is started (default {@code rman target /})
   * @param environment Oracle: environment of RMAN ({@code ORACLE_HOME}, {@code ORACLE_SID}...)
   * @param keepOldDataDirectory PostgreSQL: whether a restore keeps the data directory it replaces beside the new one
   *     (renamed, never deleted by Rebound) until a DBA removes it (default true)
   * @param method PostgreSQL: how a backup reads the server. {@code low-level} (the default): Rebound reads
   *     {@code data-directory} itself between {@code pg_backup_start} and {@code pg_backup_stop}, and an INCREMENTAL copies
   *     the files changed since its parent. {@code pg_basebackup}: for a data directory Rebound cannot read, a FULL is taken
   *     by {@code pg_basebackup} over the replication protocol (the target's user needs the REPLICATION attribute) with the
   *     WAL it needs inside, and an INCREMENTAL is the archived WAL since its parent, read from {@code archive-directory};
   *     {@code data-directory} is then only where a restore lays a backup down. A low-level backup without
   *     {@code data-directory} is refused at its start; {@code pg_basebackup} on an Oracle target stops the start
   * @param shipOnArrival PostgreSQL: whether WAL is shipped as soon as it lands whole in {@code archive-directory}, as
   *     seen by a node where that directory is (default true); the shipping timer still runs every
   *     {@code archive-shipping-interval} for what no node saw arrive. One shipment of a target runs at a time
   * @param shipOnArrivalGap PostgreSQL: the least time from the start of the target's last shipping run to a run fired
   *     by an arrival (default a tenth of {@code archive-shipping-interval}; 0: none). WAL that arrives sooner waits for
   *     it: the first segment after a quiet spell leaves at once, and a bulk load makes one run per gap, not one per
   *     segment
   */
  public record Backup(
      String fullSchedule,
      String incrementalSchedule,
      Duration archiveShippingInterval,
      Duration recoveryWindow,
      Duration localArchiveRetention,
      Path workDirectory,
      Path archiveDirectory,
      Path dataDirectory,
      String osUser,
      List<String> rmanCommand,
      Map<String, String> environment,
      Boolean keepOldDataDirectory,
      Method method,
      Boolean shipOnArrival,
      Duration shipOnArrivalGap) {

    /** How a PostgreSQL backup reads the server. */
    public enum Method {
      /** The low-level API, the data directory read by Rebound. */
      LOW_LEVEL,
      /** {@code pg_basebackup} over the replication protocol; INCREMENTALs are the archived WAL since the parent. */
      PG_BASEBACKUP
    }

    static final String DEFAULT_FULL_SCHEDULE = "0 0 1 ? * SUN";
    static final String DEFAULT_INCREMENTAL_SCHEDULE = "0 0 1 ? * MON-SAT";
    static final Duration DEFAULT_SHIPPING_INTERVAL = Duration.ofMinutes(5);
    static final Duration DEFAULT_RECOVERY_WINDOW = Duration.ofDays(14);
    static final Duration DEFAULT_LOCAL_ARCHIVE_RETENTION = Duration.ofHours(24);
    static final List<String> DEFAULT_RMAN_COMMAND = List.of("rman", "target", "/");
    private static final Pattern OS_USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
    /** Every setting at its default. */
    public static final Backup DEFAULTS = new Backup(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
    /** By default, WAL that arrives ships at most ten times as often as the timer alone would ship it. */
    static final int DEFAULT_ARRIVAL_GAPS_PER_INTERVAL = 10;

    @ConstructorBinding
    public Backup {
      fullSchedule = schedule("full-schedule", fullSchedule, DEFAULT_FULL_SCHEDULE);
      incrementalSchedule = schedule("incremental-schedule", incrementalSchedule, DEFAULT_INCREMENTAL_SCHEDULE);
      archiveShippingInterval = positive("archive-shipping-interval", archiveShippingInterval, DEFAULT_SHIPPING_INTERVAL);
      recoveryWindow = positive("recovery-window", recoveryWindow, DEFAULT_RECOVERY_WINDOW);
      localArchiveRetention = notNegative("local-archive-retention", localArchiveRetention, DEFAULT_LOCAL_ARCHIVE_RETENTION);
      archiveDirectory = absolute("archive-directory", archiveDirectory);
      dataDirectory = absolute("data-directory", dataDirectory);
      if (archiveDirectory != null && dataDirectory != null && archiveDirectory.normalize().startsWith(dataDirectory.normalize())) {
        throw new IllegalArgumentException("backup.archive-directory " + archiveDirectory + " lies inside backup.data-directory "
            + dataDirectory + ": a restore replaces the data directory and would take the archived WAL with it");
      }
      osUser = osUser == null || osUser.isBlank() ? null : osUser.strip();
      if (osUser != null && !OS_USER.matcher(osUser).matches()) {
        throw new IllegalArgumentException("backup.os-user '" + osUser + "' is not a user name (lower-case letters, digits, '_', '.',"
            + " '-', at most 32)");
      }
      rmanCommand = rmanCommand == null || rmanCommand.isEmpty() ? DEFAULT_RMAN_COMMAND : List.copyOf(rmanCommand);
      if (rmanCommand.stream().anyMatch(part -> part == null || part.isBlank())) {
        throw new IllegalArgumentException("backup.rman-command " + rmanCommand + " has an empty part");
      }
      environment = environment == null ? Map.of() : variables(environment);
      keepOldDataDirectory = keepOldDataDirectory == null || keepOldDataDirectory;
      method = method == null ? Method.LOW_LEVEL : method;
      shipOnArrival = shipOnArrival == null || shipOnArrival;
      shipOnArrivalGap = notNegative("ship-on-arrival-gap", shipOnArrivalGap,
          archiveShippingInterval.dividedBy(DEFAULT_ARRIVAL_GAPS_PER_INTERVAL));
      if (shipOnArrivalGap.compareTo(archiveShippingInterval) >= 0) {
        // The timer's own runs would keep every arrival waiting: WAL would ship on the timer alone, without a word.
        throw new IllegalArgumentException("backup.ship-on-arrival-gap " + shipOnArrivalGap + " must be shorter than"
            + " backup.archive-shipping-interval " + archiveShippingInterval + "; to ship on the timer alone set"
            + " backup.ship-on-arrival to false");
      }
    }

    /** Settings with WAL shipped as it arrives (the default). */
    public Backup(String fullSchedule, String incrementalSchedule, Duration archiveShippingInterval, Duration recoveryWindow,
        Duration localArchiveRetention, Path workDirectory, Path archiveDirectory, Path dataDirectory, String osUser,
        List<String> rmanCommand, Map<String, String> environment, Boolean keepOldDataDirectory, Method method) {
      this(fullSchedule, incrementalSchedule, archiveShippingInterval, recoveryWindow, localArchiveRetention, workDirectory,
          archiveDirectory, dataDirectory, osUser, rmanCommand, environment, keepOldDataDirectory, method, null, null);
    }

    /** Settings taken by the low-level method. */
    public Backup(String fullSchedule, String incrementalSchedule, Duration archiveShippingInterval, Duration recoveryWindow,
        Duration localArchiveRetention, Path workDirectory, Path archiveDirectory, Path dataDirectory, String osUser,
        List<String> rmanCommand, Map<String, String> environment, Boolean keepOldDataDirectory) {
      this(fullSchedule, incrementalSchedule, archiveShippingInterval, recoveryWindow, localArchiveRetention, workDirectory,
          archiveDirectory, dataDirectory, osUser, rmanCommand, environment, keepOldDataDirectory, null, null, null);
    }

    /** The work directory, or {@code <nodeWorkDirectory>/backup/<target>} when none is configured. */
    public Path workDirectory(Path nodeWorkDirectory, String target) {
      return workDirectory != null ? workDirectory : nodeWorkDirectory.resolve("backup").resolve(target);
    }

    /**
     * Variable names upper-cased, '.' and '-' read as '_': bound from an environment variable such as
     * {@code REBOUND_TARGETS_XE_BACKUP_ENVIRONMENT_ORACLE_HOME}, the name arrives as {@code oracle.home}.
     */
    private static Map<String, String> variables(Map<String, String> configured) {
      Map<String, String> variables = new java.util.TreeMap<>();
      for (Map.Entry<String, String> entry : configured.entrySet()) {
        String name = entry.getKey().toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        if (!VARIABLE.matcher(name).matches()) {
          throw new IllegalArgumentException("backup.environment: '" + entry.getKey() + "' is not an environment variable name");
        }
        if (variables.put(name, entry.getValue() == null ? "" : entry.getValue()) != null) {
          throw new IllegalArgumentException("backup.environment names " + name + " twice");
        }
      }
      return Map.copyOf(variables);
    }

    private static String schedule(String setting, String value, String fallback) {
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        CronTimer.parse(value.strip());
        return value.strip();
      } catch (ParseException | RuntimeException e) {
        throw new IllegalArgumentException("backup." + setting + " '" + value + "' is not a cron expression in Camunda's timer"
            + " syntax (seconds minutes hours day-of-month month day-of-week), e.g. '" + fallback + "': " + e.getMessage());
      }
    }

    private static Duration positive(String setting, Duration value, Duration fallback) {
      if (value == null) {
        return fallback;
      }
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("backup." + setting + " must be positive, e.g. " + fallback);
      }
      return value;
    }

    private static Duration notNegative(String setting, Duration value, Duration fallback) {
      if (value == null) {
        return fallback;
      }
      if (value.isNegative()) {
        throw new IllegalArgumentException("backup." + setting + " must be 0 or positive, e.g. " + fallback);
      }
      return value;
    }

    private static Path absolute(String setting, Path value) {
      if (value != null && !value.isAbsolute()) {
        throw new IllegalArgumentException("backup." + setting + " must be an absolute path as the database server sees it, not "
            + value);
      }
      return value;
    }
  }
}
