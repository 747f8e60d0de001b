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
