package io.rebound.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code rebound.targets.<name>.backup.*} is a contract: other tools write these names. */
class TargetBackupSettingsTest {

  private static final String[] TARGET = {"--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app",
      "--rebound.targets.pg.username=postgres"};

  @Test
  void shouldBindEveryBackupSettingByItsDocumentedName() {
    TargetProperties.Backup backup = bind(
        "--rebound.targets.pg.backup.full-schedule=0 30 2 ? * SAT",
        "--rebound.targets.pg.backup.incremental-schedule=0 30 2 ? * MON-FRI",
        "--rebound.targets.pg.backup.archive-shipping-interval=PT2M",
        "--rebound.targets.pg.backup.recovery-window=P7D",
        "--rebound.targets.pg.backup.local-archive-retention=PT12H",
        "--rebound.targets.pg.backup.work-directory=/srv/rebound/backup-work",
        "--rebound.targets.pg.backup.archive-directory=/var/lib/postgresql/wal-archive",
        "--rebound.targets.pg.backup.data-directory=/var/lib/postgresql/15/main",
        "--rebound.targets.pg.backup.os-user=postgres",
        "--rebound.targets.pg.backup.rman-command=/opt/oracle/bin/rman,target,/",
        "--rebound.targets.pg.backup.environment.ORACLE_SID=FREE",
        "--rebound.targets.pg.backup.keep-old-data-directory=false",
        "--rebound.targets.pg.backup.method=pg_basebackup",
        "--rebound.targets.pg.backup.ship-on-arrival=false",
        "--rebound.targets.pg.backup.ship-on-arrival-gap=PT45S");

    assertThat(backup.fullSchedule()).isEqualTo("0 30 2 ? * SAT");
    assertThat(backup.incrementalSchedule()).isEqualTo("0 30 2 ? * MON-FRI");
    assertThat(backup.archiveShippingInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(backup.recoveryWindow()).isEqualTo(Duration.ofDays(7));
    assertThat(backup.localArchiveRetention()).isEqualTo(Duration.ofHours(12));
    assertThat(backup.workDirectory(Path.of("/ignored"), "pg")).isEqualTo(Path.of("/srv/rebound/backup-work"));
    assertThat(backup.archiveDirectory()).isEqualTo(Path.of("/var/lib/postgresql/wal-archive"));
    assertThat(backup.dataDirectory()).isEqualTo(Path.of("/var/lib/postgresql/15/main"));
    assertThat(backup.osUser()).isEqualTo("postgres");
    assertThat(backup.rmanCommand()).containsExactly("/opt/oracle/bin/rman", "target", "/");
    assertThat(backup.environment()).containsEntry("ORACLE_SID", "FREE");
    assertThat(backup.keepOldDataDirectory()).isFalse();
    assertThat(backup.method()).isEqualTo(TargetProperties.Backup.Method.PG_BASEBACKUP);
    assertThat(backup.shipOnArrival()).isFalse();
    assertThat(backup.shipOnArrivalGap()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void shouldReadTheLowLevelMethodAsWrittenInTheReadme() {
    assertThat(bind("--rebound.targets.pg.backup.method=low-level").method()).isEqualTo(TargetProperties.Backup.Method.LOW_LEVEL);
  }

  @Test
  void shouldRefuseAnUnknownMethodNamingTheSetting() {
    assertThatThrownBy(() -> bind("--rebound.targets.pg.backup.method=pg_dump")).isInstanceOf(BindException.class)
        .hasMessageContaining("rebound.targets.pg.backup.method");
  }

  @Test
  void shouldRefusePgBasebackupOnAnOracleTarget() {
    assertThatThrownBy(() -> new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/FREE", "system", null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, new TargetProperties.Backup(null, null, null, null, null, null, null,
        null, null, null, null, null, TargetProperties.Backup.Method.PG_BASEBACKUP)))
        .hasMessageContaining("backup.method pg_basebackup is for PostgreSQL targets");
    assertThat(new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, new TargetProperties.Backup(null, null, null, null, null, null, null, null, null, null,
        null, null, TargetProperties.Backup.Method.PG_BASEBACKUP)).backup().method())
        .isEqualTo(TargetProperties.Backup.Method.PG_BASEBACKUP);
  }

  @Test
  void shouldBindBackupSettingsFromEnvironmentVariables() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
            "REBOUND_TARGETS_XE_DIALECT", "oracle",
            "REBOUND_TARGETS_XE_URL", "jdbc:oracle:thin:@//db:1521/FREEPDB1",
            "REBOUND_TARGETS_XE_USERNAME", "system",
            "REBOUND_TARGETS_XE_BACKUP_RECOVERYWINDOW", "P30D",
            "REBOUND_TARGETS_XE_BACKUP_RMANCOMMAND", "rman,target,/",
            "REBOUND_TARGETS_XE_BACKUP_ENVIRONMENT_ORACLE_HOME", "/opt/oracle/product/23ai/dbhomeFree")));

    TargetProperties.Backup backup = targets(environment).get("xe").properties().backup();

    assertThat(backup.recoveryWindow()).isEqualTo(Duration.ofDays(30));
    assertThat(backup.environment()).containsExactly(Map.entry("ORACLE_HOME", "/opt/oracle/product/23ai/dbhomeFree"));
  }

  @Test
  void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
    TargetProperties.Backup backup = bind();

    assertThat(backup.fullSchedule()).isEqualTo("0 0 1 ? * SUN");
    assertThat(backup.incrementalSchedule()).isEqualTo("0 0 1 ? * MON-SAT");
    assertThat(backup.archiveShippingInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(backup.recoveryWindow()).isEqualTo(Duration.ofDays(14));
    assertThat(backup.localArchiveRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(backup.workDirectory(Path.of("/srv/jobs"), "pg")).isEqualTo(Path.of("/srv/jobs/backup/pg"));
    assertThat(backup.archiveDirectory()).isNull();
    assertThat(backup.dataDirectory()).isNull();
    assertThat(backup.osUser()).isNull();
    assertThat(backup.rmanCommand()).containsExactly("rman", "target", "/");
    assertThat(backup.environment()).isEmpty();
    assertThat(backup.keepOldDataDirectory()).isTrue();
    assertThat(backup.method()).isEqualTo(TargetProperties.Backup.Method.LOW_LEVEL);
    assertThat(backup.shipOnArrival()).isTrue();
    assertThat(bind("--rebound.targets.pg.backup.ship-on-arrival=true").shipOnArrival()).isTrue();
    assertThat(backup.shipOnArrivalGap()).as("a tenth of the shipping interval").isEqualTo(Duration.ofSeconds(30));
    assertThat(bind("--rebound.targets.pg.backup.archive-shipping-interval=PT10S").shipOnArrivalGap()).isEqualTo(Duration.ofSeconds(1));
    assertThat(bind("--rebound.targets.pg.backup.ship-on-arrival-gap=PT0S").shipOnArrivalGap()).isZero();
    assertThat(bind("--rebound.targets.pg.backup.ship-on-arrival-gap=PT4M59S").shipOnArrivalGap()).isEqualTo(Duration.ofSeconds(299));
    assertThat(TargetProperties.Backup.DEFAULTS).isEqualTo(backup);
  }

  @Test
  void shouldKeepWhatIsSetWhenBuiltDirectly() {
    TargetProperties.Backup backup = new TargetProperties.Backup(" 0 15 3 ? * SUN ", "0 15 3 ? * MON-SAT", Duration.ofMinutes(1),
        Duration.ofDays(3), Duration.ofHours(2), Path.of("work"), Path.of("/a"), Path.of("/d"), "pg", List.of("rman"),
        Map.of("oracle.sid", "FREE"), true);

    assertThat(backup.fullSchedule()).isEqualTo("0 15 3 ? * SUN");
    assertThat(backup.incrementalSchedule()).isEqualTo("0 15 3 ? * MON-SAT");
    assertThat(backup.archiveShippingInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(backup.recoveryWindow()).isEqualTo(Duration.ofDays(3));
    assertThat(backup.localArchiveRetention()).isEqualTo(Duration.ofHours(2));
    assertThat(backup.environment()).containsExactly(Map.entry("ORACLE_SID", "FREE"));
    assertThat(backup.keepOldDataDirectory()).isTrue();
    assertThatThrownBy(() -> new TargetProperties.Backup(null, null, null, null, null, null, null, null, null, null,
        Map.of("ORACLE_SID", "a", "oracle.sid", "b"), null)).hasMessageContaining("names ORACLE_SID twice");
  }

  @Test
  void shouldKeepTheOlderConstructorsWorkingWithDefaultBackupSettings() {
    TargetProperties properties = new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null,
        null, null, null, null);

    assertThat(properties.backup()).isEqualTo(TargetProperties.Backup.DEFAULTS);
  }

  @Test
  void shouldRefuseASettingOfTheWrongFormNamingIt() {
    assertRefused("--rebound.targets.pg.backup.full-schedule=every sunday", "backup.full-schedule 'every sunday' is not a cron expression");
    assertRefused("--rebound.targets.pg.backup.incremental-schedule=0 0 25 * * ?", "backup.incremental-schedule '0 0 25 * * ?'");
    assertRefused("--rebound.targets.pg.backup.archive-shipping-interval=PT0S", "backup.archive-shipping-interval must be positive");
    assertRefused("--rebound.targets.pg.backup.recovery-window=-P1D", "backup.recovery-window must be positive");
    assertRefused("--rebound.targets.pg.backup.local-archive-retention=-PT1H", "backup.local-archive-retention must be 0 or positive");
    assertRefused("--rebound.targets.pg.backup.ship-on-arrival-gap=-PT1S", "backup.ship-on-arrival-gap must be 0 or positive, e.g. PT30S");
    assertRefused("--rebound.targets.pg.backup.ship-on-arrival-gap=PT5M", "backup.ship-on-arrival-gap PT5M must be shorter than"
        + " backup.archive-shipping-interval PT5M");
    assertRefused("--rebound.targets.pg.backup.archive-directory=wal-archive", "backup.archive-directory must be an absolute path");
    assertRefused("--rebound.targets.pg.backup.data-directory=main", "backup.data-directory must be an absolute path");
    assertRefused("--rebound.targets.pg.backup.os-user=postgres;rm -rf", "backup.os-user 'postgres;rm -rf' is not a user name");
    assertRefused("--rebound.targets.pg.backup.environment.[1ORACLE]=x", "'1ORACLE' is not an environment variable name");
    assertRefused("--rebound.targets.pg.backup.rman-command=rman, ,/", "backup.rman-command [rman, , /] has an empty part");
  }

  @Test
  void shouldRefuseAnArchiveDirectoryInsideTheDataDirectory() {
    assertRefused(new String[] {"--rebound.targets.pg.backup.data-directory=/pg/main",
        "--rebound.targets.pg.backup.archive-directory=/pg/main/../main/archive"}, "lies inside backup.data-directory");
  }

  @Test
  void shouldAcceptAZeroLocalRetentionAndTrimTheUserName() {
    TargetProperties.Backup backup = bind("--rebound.targets.pg.backup.local-archive-retention=PT0S",
        "--rebound.targets.pg.backup.os-user= postgres ");

    assertThat(backup.localArchiveRetention()).isZero();
    assertThat(backup.osUser()).isEqualTo("postgres");
  }

  private static void assertRefused(String setting, String message) {
    assertRefused(new String[] {setting}, message);
  }

  private static void assertRefused(String[] settings, String message) {
    assertThatThrownBy(() -> bind(settings)).isInstanceOf(BindException.class).rootCause()
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  private static TargetProperties.Backup bind(String... settings) {
    StandardEnvironment environment = new StandardEnvironment();
    String[] all = new String[TARGET.length + settings.length];
    System.arraycopy(TARGET, 0, all, 0, TARGET.length);
    System.arraycopy(settings, 0, all, TARGET.length, settings.length);
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(all));
    return targets(environment).get("pg").properties().backup();
  }

  private static Targets targets(StandardEnvironment environment) {
    ReboundProperties properties = new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("rebound", ReboundProperties.class);
    return new Targets(properties);
  }
}
