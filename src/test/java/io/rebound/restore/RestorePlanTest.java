package io.rebound.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.target.Dialect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestorePlanTest {

  @Test
  void shouldHashTheSamePlanTheSameWay() {
    assertThat(plan(Map.of("A", 10L), List.of()).hash()).isEqualTo(plan(Map.of("A", 10L), List.of()).hash()).hasSize(64);
  }

  @Test
  void shouldIgnoreSessionsInTheHashButShowThem() {
    RestorePlan quiet = plan(Map.of("A", 10L), List.of());
    RestorePlan busy = plan(Map.of("A", 10L), List.of(new Inventory.Session("A", "42", "app", "active")));

    assertThat(busy.hash()).isEqualTo(quiet.hash());
    assertThat(busy.text()).contains("Sessions ended (1)", "A session 42 (app), active");
  }

  @Test
  void shouldChangeTheHashWhenWhatIsDroppedChanges() {
    RestorePlan approved = plan(Map.of("A", 10L), List.of());
    RestorePlan grown = plan(Map.of("A", 11L), List.of());

    assertThat(grown.hash()).isNotEqualTo(approved.hash());
    assertThat(approved.changesTo(grown)).isEqualTo("- objects.A=10\n+ objects.A=11\n");
  }

  @Test
  void shouldCoverInTheHashEveryInputThatDecidesHowTheResultIsJudged() {
    RestorePlan asked = plan(request(List.of("T1"), true, null));
    for (RestorePlan other : List.of(plan(request(List.of("T1", "T2"), true, null)), plan(request(List.of("T1"), false, null)),
        plan(request(List.of("T1"), true, "reference")),
        plan(new SchemaRestoreRequest("t", null, "A", List.of("B"), null, "a.dump", List.of("T1"), true, Map.of("S", "T1.OTHER"), null)),
        plan(new SchemaRestoreRequest("t", null, "A", List.of(), "B_", "a.dump", List.of("T1"), true, Map.of("S", "T1.ID"), null)),
        plan(new SchemaRestoreRequest("t", null, "A", List.of("B"), null, "b.dump", List.of("T1"), true, Map.of("S", "T1.ID"), null)))) {
      assertThat(other.hash()).as(other.changesTo(asked)).isNotEqualTo(asked.hash());
    }
    assertThat(asked.canonicalLines()).contains("request.keyTable=T1", "request.safetyExport=true", "request.referenceTarget=none",
        "request.sequence.S=T1.ID", "request.dumpFile=a.dump", "request.companions=B", "safetyExport=none", "import.name=rebound-import-1",
        "import.file=a.dump", "import.parameter=pg_restore", "locked=B", "user=A", "existing=A", "schema=a", "objects.A=10",
        "dump=schema a", "target=t", "dialect=POSTGRESQL", "owner=A");
    assertThat(plan(new SchemaRestoreRequest("t", null, "A", List.of(), "B_", "a.dump", List.of(), true, Map.of(), null)).canonicalLines())
        .contains("request.companions=B_*");
  }

  @Test
  void shouldShowTheApproverWhatWillBeDoneAndHowTheResultIsJudged() {
    String text = plan(request(List.of("T1", "T2"), true, "reference")).text();
    assertThat(text).contains("Target t (postgresql)", "Schema owner A", "  - A, 10 objects", "  - B, does not exist yet, created LOCKED",
        "Schemas dropped: a", "Sessions ended (0):", "  none", "Dump holds: schema a",
        "1. Safety export: nothing to export, no schema exists yet", "2. Reset:", "DROP ROLE IF EXISTS \"A\"", "3. Bootstrap:",
        "4. Import: a.dump", "     pg_restore", "5. Verify: invalid objects recompiled; key tables must have rows: T1, T2",
        "     sequence S moved past T1.ID", "6. Compare the key tables with target reference; the run fails if they differ",
        "Plan hash " + plan(request(List.of("T1", "T2"), true, "reference")).hash());
    assertThat(plan(request(List.of(), false, null)).text()).contains("1. Safety export: off", "key tables must have rows: none named")
        .doesNotContain("6. Compare");
    RestorePlan exporting = new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A"), inventory(), new JobSpec("rebound-export-1",
        "safety.dump", List.of("pg_dump", "--schema=a")), List.of(), List.of(), new JobSpec("i", "a.dump", List.of()), List.of(),
        request(List.of(), true, null));
    assertThat(exporting.text()).contains("1. Safety export: safety.dump", "     --schema=a");
    assertThat(exporting.canonicalLines()).contains("safetyExport.name=rebound-export-1", "safetyExport.file=safety.dump",
        "safetyExport.parameter=--schema=a");
  }

  @org.junit.jupiter.api.Test
  void shouldCarryAJobsSettingsAsDataCoveredByTheHashAndNotShownAsLines() {
    JobSpec export = new JobSpec("rebound-export-1", "safety.dump", List.of("pg_dump", "--schema=a"), Map.of("schemas", "a"));
    JobSpec otherSchemas = new JobSpec("rebound-export-1", "safety.dump", List.of("pg_dump", "--schema=a"), Map.of("schemas", "a,b"));
    RestorePlan plan = new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A"), inventory(), export, List.of(), List.of(),
        new JobSpec("i", "a.dump", List.of()), List.of(), request(List.of(), true, null));
    RestorePlan other = new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A"), inventory(), otherSchemas, List.of(), List.of(),
        new JobSpec("i", "a.dump", List.of()), List.of(), request(List.of(), true, null));

    assertThat(plan.canonicalLines()).contains("safetyExport.setting.schemas=a").noneMatch(line -> line.startsWith("import.setting."));
    assertThat(other.hash()).as("a job's data is part of what is approved").isNotEqualTo(plan.hash());
    assertThat(plan.text()).doesNotContain("schemas=a");
    assertThat(export.setting("schemas")).isEqualTo("a");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> export.setting("parallel")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("carries no parallel");
    assertThat(new JobSpec("i", "a.dump", List.of(), null).settings()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void shouldShowAndHashWhatTheResetDropsOutsideTheRestoredSchemas() {
    Inventory outside = new Inventory(List.of("A"), List.of("B"), List.of("a"), Map.of("A", 10L), List.of(), List.of("schema a"),
        List.of("rule _RETURN on view reporting.names", "constraint orders_fk on table billing.orders"));
    RestorePlan plan = new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A", "B"), outside, null, List.of(), List.of(),
        new JobSpec("i", "a.dump", List.of()), List.of(), request(List.of(), false, null));
    RestorePlan without = new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A", "B"), inventory(), null, List.of(), List.of(),
        new JobSpec("i", "a.dump", List.of()), List.of(), request(List.of(), false, null));

    assertThat(plan.text()).contains("ALSO DROPPED OR CHANGED OUTSIDE THE RESTORED SCHEMAS (2), not brought back by the import:\n"
        + "  - rule _RETURN on view reporting.names\n  - constraint orders_fk on table billing.orders\n");
    assertThat(plan.canonicalLines()).contains("outside=rule _RETURN on view reporting.names", "outside=constraint orders_fk on table billing.orders");
    assertThat(plan.hash()).as("a new dependent outside changes what was approved").isNotEqualTo(without.hash());
    assertThat(without.text()).doesNotContain("OUTSIDE");
    assertThat(without.canonicalLines()).noneMatch(line -> line.startsWith("outside="));
  }

  private static Inventory inventory() {
    return new Inventory(List.of("A"), List.of("B"), List.of("a"), Map.of("A", 10L), List.of(), List.of("schema a"));
  }

  private static RestorePlan plan(SchemaRestoreRequest request) {
    return new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A", "B"), inventory(), null,
        List.of(PlannedAction.sql("DROP ROLE IF EXISTS \"A\"")), List.of(PlannedAction.setPassword("A", "ALTER ROLE \"A\" PASSWORD <from target configuration>")),
        new JobSpec("rebound-import-1", "a.dump", List.of("pg_restore", "a.dump")), List.of("B"), request);
  }

  private static SchemaRestoreRequest request(List<String> keyTables, boolean safetyExport, String reference) {
    return new SchemaRestoreRequest("t", null, "A", List.of("B"), null, "a.dump", keyTables, safetyExport, Map.of("S", "T1.ID"), reference);
  }

  private static RestorePlan plan(Map<String, Long> objects, List<Inventory.Session> sessions) {
    Inventory inventory = new Inventory(List.of("A"), List.of("B"), List.of("a"), objects, sessions, List.of("schema a"));
    return new RestorePlan("t", Dialect.POSTGRESQL, "A", List.of("A", "B"), inventory, null,
        List.of(PlannedAction.sql("DROP ROLE IF EXISTS \"A\"")), List.of(PlannedAction.setPassword("A", "ALTER ROLE \"A\" PASSWORD <from target configuration>")),
        new JobSpec("rebound-import-1", "a.dump", List.of("pg_restore", "a.dump")), List.of("B"), request(List.of("T1"), true, null));
  }
}
