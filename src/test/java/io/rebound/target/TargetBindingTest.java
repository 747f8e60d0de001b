package io.rebound.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.audit.Redactor;
import io.rebound.config.ReboundProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;

/** The target properties are a contract: a target given only by environment variables or command-line arguments works. */
class TargetBindingTest {

  @TempDir Path secrets;

  @Test
  void shouldBindATargetFromEnvironmentVariablesOnly() throws Exception {
    Path systemPassword = Files.writeString(secrets.resolve("system"), "From-Secret-File\n");
    Path comparePassword = Files.writeString(secrets.resolve("compare"), "Compare-From-File\n");
    Path appPassword = Files.writeString(secrets.resolve("app"), "App-From-File\n");
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
        "REBOUND_TARGETS_XE_DIALECT", "oracle",
        "REBOUND_TARGETS_XE_URL", "jdbc:oracle:thin:@//db:1521/FREEPDB1",
        "REBOUND_TARGETS_XE_USERNAME", "system",
        "REBOUND_TARGETS_XE_PASSWORDFILE", systemPassword.toString(),
        "REBOUND_TARGETS_XE_DUMPDIRECTORY", "/opt/oracle/dumps",
        "REBOUND_TARGETS_XE_DIRECTORYNAME", "WINSTORE_DUMP",
        "REBOUND_TARGETS_XE_USERPASSWORDS_WINSTORE_ADMIN", "Admin-From-Env",
        "REBOUND_TARGETS_XE_USERPASSWORDFILES_WINSTORE_APP", appPassword.toString(),
        "REBOUND_TARGETS_XE_COMPARISONUSERNAME", "rebound_compare",
        "REBOUND_TARGETS_XE_COMPARISONPASSWORDFILE", comparePassword.toString())));

    Target target = targets(environment).get("xe");

    assertThat(target.dialect()).isEqualTo(Dialect.ORACLE);
    assertThat(target.properties().url()).isEqualTo("jdbc:oracle:thin:@//db:1521/FREEPDB1");
    assertThat(target.password()).isEqualTo("From-Secret-File");
    assertThat(target.dumpDirectory()).isEqualTo(Path.of("/opt/oracle/dumps"));
    assertThat(target.properties().directoryName()).isEqualTo("WINSTORE_DUMP");
    assertThat(target.userPassword("WINSTORE_ADMIN")).contains("Admin-From-Env");
    assertThat(target.userPassword("WINSTORE_APP")).as("a password file for a user whose name holds '_'").contains("App-From-File");
    assertThat(target.userPassword("WINSTORE_READ")).isEmpty();
    assertThat(target.comparisonUsername()).isEqualTo("rebound_compare");
    assertThat(target.comparisonPassword()).isEqualTo("Compare-From-File");
    assertThat(target.username()).as("the restore keeps the privileged account").isEqualTo("system");
  }

  @Test
  void shouldBindATargetFromCommandLineArgumentsOnly() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app",
        "--rebound.targets.pg.username=postgres", "--rebound.targets.pg.password=pw-1", "--rebound.targets.pg.dump-directory=/srv/dumps",
        "--rebound.targets.pg.bin-directory=/usr/lib/postgresql/15/bin", "--rebound.targets.pg.parallelism=4",
        "--rebound.targets.pg.user-passwords.winstore_admin=Admin-From-Args", "--rebound.targets.pg.comparison-username=compare_ro",
        "--rebound.targets.pg.comparison-password=Compare-From-Args"));

    Target target = targets(environment).get("pg");

    assertThat(target.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(target.password()).isEqualTo("pw-1");
    assertThat(target.properties().binDirectory()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
    assertThat(target.properties().parallelism()).isEqualTo(4);
    assertThat(target.userPassword("winstore_admin")).contains("Admin-From-Args");
    assertThat(target.comparisonUsername()).isEqualTo("compare_ro");
    assertThat(target.comparisonPassword()).isEqualTo("Compare-From-Args");
  }

  @Test
  void shouldCompareAsThePrivilegedUserWhenNoComparisonAccountIsConfigured() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app",
        "--rebound.targets.pg.username=postgres", "--rebound.targets.pg.password=pw-1", "--rebound.targets.pg.comparison-username= "));

    Target target = targets(environment).get("pg");

    assertThat(target.comparisonUsername()).isEqualTo("postgres");
    assertThat(target.comparisonPassword()).isEqualTo("pw-1");
  }

  @Test
  void shouldRefuseAComparisonPasswordWithoutItsAccount() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app",
        "--rebound.targets.pg.username=postgres", "--rebound.targets.pg.comparison-password=orphan"));

    assertThatThrownBy(() -> targets(environment)).isInstanceOf(IllegalStateException.class)
        .hasMessage("rebound.targets.pg.comparison-password is set but comparison-username is not");
  }

  @Test
  void shouldRedactTheComparisonPasswordLikeTheOthers() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app",
        "--rebound.targets.pg.username=postgres", "--rebound.targets.pg.password=Privileged-Pw-1",
        "--rebound.targets.pg.comparison-username=compare_ro", "--rebound.targets.pg.comparison-password=Compare-Pw-2"));

    String redacted = new Redactor(targets(environment)).redact("connected with Compare-Pw-2 and Privileged-Pw-1");

    assertThat(redacted).isEqualTo("connected with *** and ***");
  }

  @Test
  void shouldBindTimeoutsAndDefaultThemWhenUnset() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app", "--rebound.targets.pg.username=postgres",
        "--rebound.targets.pg.connect-timeout=3s", "--rebound.targets.pg.statement-timeout=20m", "--rebound.targets.pg.lock-timeout=5s",
        "--rebound.targets.ora.dialect=oracle", "--rebound.targets.ora.url=jdbc:oracle:thin:@//db:1521/FREEPDB1", "--rebound.targets.ora.username=system"));

    Targets targets = targets(environment);

    TargetProperties pg = targets.get("pg").properties();
    assertThat(pg.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(pg.statementTimeout()).isEqualTo(java.time.Duration.ofMinutes(20));
    assertThat(pg.lockTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(pg.parallelism()).isEqualTo(2);
    TargetProperties ora = targets.get("ora").properties();
    assertThat(ora.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(ora.statementTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(ora.lockTimeout()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(ora.parallelism()).as("parallel Data Pump needs Enterprise Edition").isEqualTo(1);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "connect-timeout, 0s, 'rebound.targets.pg.connect-timeout must be positive, e.g. 10s'",
      "connect-timeout, -1s, 'rebound.targets.pg.connect-timeout must be positive, e.g. 10s'",
      "statement-timeout, -1s, 'rebound.targets.pg.statement-timeout must be 0 (none) or positive, e.g. 1h'",
      "lock-timeout, -5ms, 'rebound.targets.pg.lock-timeout must be 0 (none) or positive, e.g. 1m'"})
  void shouldRefuseTimeoutsThatCannotBe(String property, String value, String message) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app", "--rebound.targets.pg.username=postgres",
        "--rebound.targets.pg." + property + "=" + value));

    assertThatThrownBy(() -> targets(environment)).isInstanceOf(IllegalStateException.class).hasMessage(message);
  }

  @Test
  void shouldAcceptZeroAsNoStatementOrLockTimeout() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(
        "--rebound.targets.pg.dialect=postgresql", "--rebound.targets.pg.url=jdbc:postgresql://db/app", "--rebound.targets.pg.username=postgres",
        "--rebound.targets.pg.statement-timeout=0", "--rebound.targets.pg.lock-timeout=0"));

    TargetProperties pg = targets(environment).get("pg").properties();

    assertThat(pg.statementTimeout()).isZero();
    assertThat(pg.lockTimeout()).isZero();
  }

  private static Targets targets(StandardEnvironment environment) {
    ReboundProperties properties = new Binder(ConfigurationPropertySources.get(environment))
        .bindOrCreate("rebound", ReboundProperties.class);
    return new Targets(properties);
  }
}
