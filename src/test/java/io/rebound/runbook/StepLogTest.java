package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StepLogTest {

  @Test
  void shouldKeepFactsInTheOrderGivenAndAFactNotKnownAsNull() {
    StepLog log = new StepLog();
    log.fact("zeta", 1);
    log.fact("position", null);
    log.fact("alpha", "a");

    assertThat(log.facts().keySet()).containsExactly("zeta", "position", "alpha");
    assertThat(log.facts()).containsEntry("zeta", 1).containsEntry("position", null).containsEntry("alpha", "a");
    assertThatThrownBy(() -> log.facts().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldKeepWhatRanInOrder() {
    StepLog log = new StepLog();
    log.ran("first", "ok");
    log.ran("second", "failed");
    assertThat(log.entries()).extracting(StepLog.Entry::action).containsExactly("first", "second");
  }
}
