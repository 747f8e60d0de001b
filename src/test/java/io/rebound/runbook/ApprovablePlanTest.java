package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plan is approved by its hash: the hash covers every canonical line, where each line ends and in which order they
 * come; what changed between two plans is shown line by line, the approved plan's lines first.
 */
class ApprovablePlanTest {

  record Plan(List<String> canonicalLines) implements ApprovablePlan {
    static Plan of(String... lines) {
      return new Plan(List.of(lines));
    }

    @Override
    public String text() {
      return String.join("\n", canonicalLines);
    }
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldHashEveryLineEndedByANewline() throws Exception {
    assertThat(Plan.of("drop user app", "kill session 7").hash()).isEqualTo(sha256("drop user app\nkill session 7\n"));
    assertThat(Plan.of().hash()).isEqualTo(sha256(""));
  }

  @Test
  void shouldHashPlansThatDifferOnlyInWhereALineEndsOrInTheirOrderApart() {
    assertThat(Plan.of("drop user app", "kill session 7").hash()).isNotEqualTo(Plan.of("drop user appkill session 7").hash())
        .isNotEqualTo(Plan.of("kill session 7", "drop user app").hash())
        .isEqualTo(Plan.of("drop user app", "kill session 7").hash());
  }

  @Test
  void shouldShowTheLinesOnlyTheApprovedPlanHasThenTheLinesOnlyTheCurrentOneHas() {
    ApprovablePlan approved = Plan.of("target db1", "drop user app", "sessions 2");
    ApprovablePlan current = Plan.of("target db1", "sessions 5", "drop user app", "drop user app_read");

    assertThat(approved.changesTo(current)).isEqualTo("- sessions 2\n+ sessions 5\n+ drop user app_read\n");
    assertThat(current.changesTo(approved)).isEqualTo("- sessions 5\n- drop user app_read\n+ sessions 2\n");
  }

  @Test
  void shouldShowNoChangeBetweenPlansWithTheSameLines() {
    assertThat(Plan.of("target db1", "drop user app").changesTo(Plan.of("drop user app", "target db1"))).isEmpty();
  }
}
