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

  @Test
  void shouldShowAPlanAsACodeBlockThatNoLineOfItCanEndOrTurnIntoMarkup() {
    String plan = "Target db1\n```\n</pre><script>alert(1)</script>\n# not a heading\n\n  - kept as written\n";
    assertThat(Plans.codeBlock(plan, "run-1")).isEqualTo(
        "    Target db1\n    ```\n    </pre><script>alert(1)</script>\n    # not a heading\n    \n      - kept as written\n");
    assertThat(Plans.codeBlock("no newline at the end", "run-1")).isEqualTo("    no newline at the end\n");
  }

  @Test
  void shouldShortenALongPlanByWholeLinesSoThatTheBlockFitsATextVariable() {
    String line = "z".repeat(95);
    String plan = (line + "\n").repeat(50);
    String block = Plans.codeBlock(plan, "run-2");

    assertThat(block.length()).isLessThanOrEqualTo(4000);
    String[] parts = block.split("\n\n", 2);
    assertThat(parts[0].lines()).as("whole lines, each indented").hasSize(38).allMatch(("    " + line)::equals);
    assertThat(parts[1]).startsWith("… (shortened").contains("GET /api/recoveries/run-2/plan");
  }

  @Test
  void shouldCutALineLongerThanTheRoomLeftAndStillSayWhereTheWholeIs() {
    String block = Plans.codeBlock("short\n" + "w".repeat(5000), "run-3");

    assertThat(block.length()).isLessThanOrEqualTo(4000);
    assertThat(block).startsWith("    short\n    www").contains("\n\n… (shortened").doesNotContain("w".repeat(3800));
    assertThat(block.split("\n\n", 2)[0].lines()).allMatch(l -> l.startsWith("    "));
  }

  @Test
  void shouldShowAnEmptyPlanAsNothing() {
    assertThat(Plans.codeBlock("", "run-4")).isEqualTo("    \n");
  }
}
