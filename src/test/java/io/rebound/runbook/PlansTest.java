package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlansTest {

  @Test
  void shouldKeepAPlanThatFitsAFormWholeAndPointToTheRestOfOneThatDoesNot() {
    String fits = "x".repeat(3800);
    assertThat(Plans.fitForForm(fits, "run-1")).isEqualTo(fits);

    String shortened = Plans.fitForForm("y".repeat(3801), "run-1");
    assertThat(shortened).startsWith("y".repeat(3800) + "\n… (shortened")
        .contains("GET /api/recoveries/run-1/plan").doesNotContain("y".repeat(3801));
  }
}
