package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {

  @TempDir Path secrets;

  @Test
  void shouldMaskEveryConfiguredPasswordWherever_ItAppears() throws Exception {
    Path file = Files.writeString(secrets.resolve("app"), "From-A-File-77\n");
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("t", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//h/s", "system", "Sys-Pw-123", null, Path.of("/d"), null, null, null,
        Map.of("WINSTORE_ADMIN", "Admin-Pw-456"), Map.of("WINSTORE_APP", file.toString())));
    Redactor redactor = new Redactor(targets);

    String text = redactor.redact("connect system/Sys-Pw-123; created with Admin-Pw-456 and From-A-File-77");

    assertThat(text).isEqualTo("connect system/***; created with *** and ***");
  }

  @Test
  void shouldMaskAPasswordThatContainsAnotherWhole() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("t", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", "Pass", null, Path.of("/d"), null, null, null,
        Map.of("a", "Pass-word", "b", "abc"), Map.of()));
    Redactor redactor = new Redactor(targets);

    assertThat(redactor.redact("with Pass-word, Pass and abc")).as("four characters are a secret, three could be any word")
        .isEqualTo("with ***, *** and abc");
  }

  @Test
  void shouldRedactWhenAPasswordFileIsGone() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("t", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, secrets.resolve("gone"), Path.of("/d"), null,
        null, null, Map.of("a", "Still-Secret"), Map.of()));

    assertThat(new Redactor(targets).redact("Still-Secret")).isEqualTo("***");
    assertThat(new Redactor(targets).redact(null)).isNull();
    assertThat(new Redactor(targets).redact("")).isEmpty();
  }

  @Test
  void shouldMaskTheAuditKeyWhereverItAppears() {
    String key = "Audit-Key-Of-Thirty-Two-Bytes-0123";
    Redactor redactor = new Redactor(new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO))), new AuditKey(key));

    assertThat(redactor.redact("REBOUND_AUDIT_HMACKEY " + key + " was set")).isEqualTo("REBOUND_AUDIT_HMACKEY *** was set");
  }

  @Test
  void shouldMaskWhatLooksLikeAPassword() {
    Redactor redactor = new Redactor(new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO))));

    assertThat(redactor.redact("CREATE USER \"A\" IDENTIFIED BY \"s3cr\"\"et\" QUOTA 1M")).doesNotContain("s3cr");
    assertThat(redactor.redact("ALTER USER A IDENTIFIED BY plainpw ACCOUNT UNLOCK")).isEqualTo("ALTER USER A IDENTIFIED BY *** ACCOUNT UNLOCK");
    assertThat(redactor.redact("ALTER ROLE a PASSWORD 'it''s-secret'")).isEqualTo("ALTER ROLE a PASSWORD ***");
    assertThat(redactor.redact("url?user=x&password=hunter2&ssl=true")).isEqualTo("url?user=x&password=***&ssl=true");
    assertThat(redactor.redact("{\"password\":\"p\\\"q\",\"user\":\"x\"}")).isEqualTo("{\"password\":***,\"user\":\"x\"}");
    assertThat(redactor.redact("jdbc:postgresql://admin:topsecret@db/app")).isEqualTo("jdbc:postgresql://admin:***@db/app");
    assertThat(redactor.redact("ALTER ROLE a PASSWORD <from target configuration>")).contains("<from target configuration>");
  }
}
