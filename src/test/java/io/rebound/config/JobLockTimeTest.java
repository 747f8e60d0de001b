package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start warns when a comparison statement may outlast the job executor's lock time. */
class JobLockTimeTest {

  @Test
  void shouldAcceptTheDefaults() {
    assertThat(JobLockTime.warning(Duration.ofMinutes(2), "rebound.comparison.statement-timeout", Duration.ofSeconds(90))).isEmpty();
    assertThat(JobLockTime.warning(Duration.ofSeconds(110), "rebound.targets.pg.statement-timeout", Duration.ofSeconds(90))).isEmpty();
  }

  @Test
  void shouldWarnWhenAStatementMayOutlastTheLock() {
    assertThat(JobLockTime.warning(Duration.ofSeconds(109), "rebound.comparison.statement-timeout", Duration.ofSeconds(90)))
        .hasValueSatisfying(warning -> assertThat(warning)
        .contains("lock-time-in-millis, 109 s").contains("rebound.comparison.statement-timeout, 90 s").contains("at least 110 s"));
    assertThat(JobLockTime.warning(Duration.ofMinutes(2), "rebound.targets.pg.statement-timeout", Duration.ofMinutes(4)))
        .hasValueSatisfying(warning -> assertThat(warning).contains("rebound.targets.pg.statement-timeout, 240 s"));
  }

  @Test
  void shouldWarnWhenStatementsHaveNoTimeout() {
    assertThat(JobLockTime.warning(Duration.ofHours(10), "rebound.targets.ora.statement-timeout", Duration.ZERO))
        .hasValueSatisfying(warning -> assertThat(warning).contains("no timeout (rebound.targets.ora.statement-timeout = 0)"));
  }
}
