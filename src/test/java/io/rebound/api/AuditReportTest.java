package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.rebound.audit.AuditEvent;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditReportTest {

  private static final String PLAN = "DROP SCHEMA IF EXISTS \"winstore_admin\" CASCADE;\nCREATE ROLE \"winstore_admin\" NOLOGIN;";

  @Test
  void shouldShowAPlanAsABlockOfTextNotEscapedJson() {
    String details = AuditReport.details("{\"planHash\":\"ab12\",\"plan\":" + json(PLAN) + "}");

    assertThat(details).contains("- planHash: `ab12`\n");
    assertThat(details).contains("**plan**\n\n```\n" + PLAN + "\n```\n");
    assertThat(details).doesNotContain("\\n").doesNotContain("\\\"");
  }

  @Test
  void shouldShowTheStatementsAStepRanAsSqlWithTheirOutcomes() {
    String details = AuditReport.details("{\"activity\":\"Task_Reset\",\"statements\":["
        + "{\"action\":\"DROP ROLE IF EXISTS \\\"winstore_app\\\"\",\"outcome\":\"ok\"},"
        + "{\"action\":\"ALTER ROLE x NOLOGIN\",\"outcome\":\"failed:\\nlock timeout\"}]}");

    assertThat(details).startsWith("- activity: `Task_Reset`\n\n");
    assertThat(details).contains("**statements**\n\n```sql\nDROP ROLE IF EXISTS \"winstore_app\"\n-- ok\nALTER ROLE x NOLOGIN\n-- failed: lock timeout\n```\n");
  }

  @Test
  void shouldListShortValuesAndShowNestedOnesAsIndentedJson() {
    String details = AuditReport.details("{\"runbook\":\"schema-restore\",\"users\":[\"a\",\"b\"],\"none\":[],\"gone\":null,"
        + "\"request\":{\"target\":\"demo\",\"keyTables\":[\"t1\"]}}");

    assertThat(details).contains("- runbook: `schema-restore`\n", "- users: `a`, `b`\n", "- none: (none)\n", "- gone: `null`\n");
    assertThat(details).contains("**request**\n\n```json\n{\n  \"target\" : \"demo\",");
  }

  @Test
  void shouldShowNothingForNoDetailsAndTextThatIsNoJsonAsItIs() {
    assertThat(AuditReport.details(null)).isEmpty();
    assertThat(AuditReport.details("{}")).isEmpty();
    assertThat(AuditReport.details(" ")).isEmpty();
    assertThat(AuditReport.details("not json")).isEqualTo("```\nnot json\n```\n\n");
    assertThat(AuditReport.details("\"a text\"")).isEqualTo("```\na text\n```\n\n");
    assertThat(AuditReport.details("[1,2]")).isEqualTo("```json\n[ 1, 2 ]\n```\n\n");
  }

  @Test
  void shouldShowLongTextOnOneLineAsABlockToo() {
    String message = "x".repeat(121);
    assertThat(AuditReport.details("{\"message\":\"" + message + "\"}")).isEqualTo("**message**\n\n```\n" + message + "\n```\n\n");
    String shorter = "x".repeat(120);
    assertThat(AuditReport.details("{\"message\":\"" + shorter + "\"}")).isEqualTo("- message: `" + shorter + "`\n");
  }

  @Test
  void shouldKeepRecordedBackticksInsideTheirBlockAndCode() {
    assertThat(AuditReport.block("a ``` b", "")).isEqualTo("````\na ``` b\n````\n\n");
    assertThat(AuditReport.block("a\n", "sql")).isEqualTo("```sql\na\n```\n\n");
    assertThat(AuditReport.inline("x`y")).isEqualTo("``x`y``");
    assertThat(AuditReport.inline("`y")).isEqualTo("`` `y ``");
    assertThat(AuditReport.inline("y`")).isEqualTo("`` y` ``");
    assertThat(AuditReport.inline("a|b\nc")).isEqualTo("`a\\|b c`");
  }

  @Test
  void shouldTimeEachStepFromItsFirstStartToItsLastEndCountingPasses() {
    List<AuditEvent> events = List.of(
        event(1, "REQUESTED", "request", "2026-11-30T10:00:00Z", null),
        event(2, "STEP_STARTED", "preflight", "2026-11-30T10:00:01.100Z", null),
        event(3, "STEP_FINISHED", "preflight", "2026-11-30T10:00:01.950Z", "plan ab12"),
        event(4, "STEP_STARTED", "import", "2026-11-30T10:01:00Z", null),
        event(5, "STEP_FAILED", "import", "2026-11-30T10:01:02Z", "lock timeout"),
        event(6, "STEP_STARTED", "import", "2026-11-30T10:01:32Z", null),
        event(7, "STEP_FINISHED", "import", "2026-11-30T10:04:07Z", null),
        event(8, "STEP_STARTED", "verify", "2026-11-30T10:04:08Z", null),
        event(9, "STEP_REFUSED", "reset", "2026-11-30T10:04:09Z", "not approved"));

    List<AuditReport.StepTime> steps = AuditReport.steps(events);

    assertThat(steps).containsExactly(
        new AuditReport.StepTime("preflight", "2026-11-30T10:00:01.100Z", "2026-11-30T10:00:01.950Z", 850L, 1, "plan ab12"),
        new AuditReport.StepTime("import", "2026-11-30T10:01:00.000Z", "2026-11-30T10:04:07.000Z", 187_000L, 2, "FINISHED"),
        new AuditReport.StepTime("verify", "2026-11-30T10:04:08.000Z", null, null, 1, "RUNNING"),
        new AuditReport.StepTime("reset", "2026-11-30T10:04:09.000Z", "2026-11-30T10:04:09.000Z", 0L, 1, "REFUSED: not approved"));
    assertThat(AuditReport.steps(List.of(event(1, "STEP_STARTED", "a", "2026-11-30T10:00:00Z", null),
        event(2, "STEP_FAILED", "a", "2026-11-30T10:00:03Z", "boom")))).singleElement()
        .extracting(AuditReport.StepTime::outcome).isEqualTo("FAILED: boom");
    assertThat(AuditReport.steps(List.of(event(1, "STEP_STARTED", "a", "yesterday", null),
        event(2, "STEP_FINISHED", "a", "2026-11-30T10:00:03Z", null)))).singleElement()
        .satisfies(s -> assertThat(s.millis()).isNull());
  }

  @Test
  void shouldSayDurationsAsPeopleReadThem() {
    assertThat(AuditReport.took(0)).isEqualTo("0 ms");
    assertThat(AuditReport.took(999)).isEqualTo("999 ms");
    assertThat(AuditReport.took(1000)).isEqualTo("1.0 s");
    assertThat(AuditReport.took(12_449)).isEqualTo("12.4 s");
    assertThat(AuditReport.took(59_999)).isEqualTo("60.0 s");
    assertThat(AuditReport.took(60_000)).isEqualTo("1 min 00 s");
    assertThat(AuditReport.took(185_000)).isEqualTo("3 min 05 s");
    assertThat(AuditReport.took(3_599_999)).isEqualTo("59 min 59 s");
    assertThat(AuditReport.took(3_600_000)).isEqualTo("1 h 00 min");
    assertThat(AuditReport.took(7_620_000)).isEqualTo("2 h 07 min");
  }

  @Test
  void shouldWriteEveryDateInOneIsoFormInUtc() {
    Recoveries.Recovery run = new Recoveries.Recovery("r1", "schema-restore", "COMPLETED", "demo", null, "op", List.of(), List.of(), 100,
        null, null, Date.from(Instant.parse("2026-11-30T10:00:00Z")), Date.from(Instant.parse("2026-11-30T10:04:07.5Z")), null,
        null, Map.of());
    List<AuditEvent> events = List.of(event(1, "REQUESTED", "request", "2026-11-30T10:00:00.120Z", null),
        event(2, "STEP_STARTED", "import", "2026-11-30T10:01:00Z", null), event(3, "STEP_FINISHED", "import", "2026-11-30T10:01:10Z", "ok"));

    String report = AuditReport.markdown(run, events);

    assertThat(report).contains("| Started | 2026-11-30T10:00:00.000Z |", "| Ended | 2026-11-30T10:04:07.500Z |", "| Took | 4 min 07 s |",
        "| Target | demo |", "| Requested by | op |");
    assertThat(report).contains("| 1 | 2026-11-30T10:00:00.120Z | REQUESTED |", "| 2 | 2026-11-30T10:01:00.000Z | STEP_STARTED |");
    assertThat(report).contains("| import | 2026-11-30T10:01:00.000Z | 2026-11-30T10:01:10.000Z | 10.0 s | 1 | ok |");
    assertThat(report).doesNotContain("GMT", "UTC 2026", "Mon Nov");
    assertThat(report).contains("### 1 REQUESTED request\n\n- runbook: `schema-restore`\n");
    assertThat(AuditReport.iso("not a date")).isEqualTo("not a date");
    assertThat(AuditReport.iso((Date) null)).isEmpty();
  }

  private static AuditEvent event(long id, String type, String step, String at, String outcome) {
    String details = type.equals("REQUESTED") ? "{\"runbook\":\"schema-restore\"}" : "{}";
    return new AuditEvent(id, "r1", type, step, "engine", at, outcome, details, "p" + id, "h" + id);
  }

  private static String json(String text) {
    return new TextNode(text).toString();
  }
}
