package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start warns when a comparison statement may outlast the job executor's lock time. */
class JobLockTimeTest {

  @Test
  void shouldAcceptTheDefaults() {
    assertThat(JobLockTime.warning(Duration.ofMinutes(2), Duration.ofSeconds(90))).isEmpty();
    assertThat(JobLockTime.warning(Duration.ofSeconds(110), Duration.ofSeconds(90))).isEmpty();
  }

  @Test
  void shouldWarnWhenAStatementMayOutlastTheLock() {
    assertThat(JobLockTime.warning(Duration.ofSeconds(109), Duration.ofSeconds(90))).hasValueSatisfying(warning -> assertThat(warning)
        .contains("lock-time-in-millis, 109 s").contains("statement-timeout, 90 s").contains("at least 110 s"));
    assertThat(JobLockTime.warning(Duration.ofMinutes(2), Duration.ofMinutes(4))).isPresent();
  }
}
