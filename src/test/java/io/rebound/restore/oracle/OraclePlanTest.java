package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.restore.Inventory;
import io.rebound.restore.PlannedAction;
import io.rebound.restore.RestorePlan;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OraclePlanTest {

  @Test
  void shouldPlanTheRunbooksResetBootstrapAndImport() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("xe", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/XEPDB1", "system", "x", null,
        Path.of("/opt/oracle/full_backups"), "WINSTORE_DUMP", null, 4, Map.of("WINSTORE_ADMIN", "AdminPass-1"), Map.of()));
    Target target = targets.get("xe");
    SchemaRestoreRequest request = new SchemaRestoreRequest("xe", null, "WINSTORE_ADMIN", List.of("WINSTORE_APP", "WINSTORE_NEW"), null,
        "winstore_full_backup.dmp", List.of("PRODUCTS"), true, Map.of(), null);
    Inventory inventory = new Inventory(List.of("WINSTORE_ADMIN", "WINSTORE_APP"), List.of("WINSTORE_NEW"), List.of("WINSTORE_ADMIN", "WINSTORE_APP"),
        Map.of("WINSTORE_ADMIN", 14L, "WINSTORE_APP", 0L), List.of(new Inventory.Session("WINSTORE_APP", "12,345,@1", "JDBC", "INACTIVE")),
        List.of("dump file winstore_full_backup.dmp, 81920 bytes"));

    RestorePlan plan = new OracleSchemaRestore().plan(target, request, inventory, "5f0c9d2e-e60b-11f1-99b3-02fc00000001", "USERS", 4);

    assertThat(plan.usersToReplace()).containsExactly("WINSTORE_ADMIN", "WINSTORE_APP", "WINSTORE_NEW");
    assertThat(plan.reset()).extracting(PlannedAction::sql).satisfiesExactly(
        lock -> assertThat(lock).contains("ALTER USER \"WINSTORE_ADMIN\" ACCOUNT LOCK"),
        lock -> assertThat(lock).contains("ALTER USER \"WINSTORE_APP\" ACCOUNT LOCK"),
        kill -> assertThat(kill).contains("ALTER SYSTEM KILL SESSION"),
        drop -> assertThat(drop).contains("DROP USER \"WINSTORE_ADMIN\" CASCADE"),
        drop -> assertThat(drop).contains("DROP USER \"WINSTORE_APP\" CASCADE"));
    assertThat(plan.bootstrap()).filteredOn(a -> a.kind() == PlannedAction.Kind.SET_PASSWORD).extracting(PlannedAction::user)
        .containsExactly("WINSTORE_ADMIN");
    assertThat(plan.lockedUsers()).containsExactly("WINSTORE_APP", "WINSTORE_NEW");
    assertThat(plan.bootstrap()).extracting(PlannedAction::sql)
        .contains("CREATE OR REPLACE DIRECTORY \"WINSTORE_DUMP\" AS '/opt/oracle/full_backups'", "GRANT CREATE SESSION TO \"WINSTORE_NEW\"")
        .noneMatch(sql -> sql.contains("TO SYSTEM") || sql.contains("TO \"SYSTEM\""));
    assertThat(plan.importJob().name()).isEqualTo("REBOUND_IMP_5F0C9D2EE60B");
    assertThat(plan.importJob().parameters()).contains("SCHEMAS=WINSTORE_ADMIN", "TABLE_EXISTS_ACTION=REPLACE", "EXCLUDE=STATISTICS", "PARALLEL=4");
    assertThat(plan.safetyExport().parameters()).contains("SCHEMAS=WINSTORE_ADMIN,WINSTORE_APP", "PARALLEL=4");
    // Four workers write four files at once: a file set, or the export would wait on one file or stop (ORA-39095).
    assertThat(plan.safetyExport().file()).isEqualTo("rebound_safety_winstore_admin_5f0c9d2ee60b_%U.dmp");
    assertThat(plan.text()).contains("DUMPFILE_SET=rebound_safety_winstore_admin_5f0c9d2ee60b_01.dmp, rebound_safety_winstore_admin_5f0c9d2ee60b_02.dmp...");
    assertThat(plan.text()).contains("WINSTORE_APP, 0 objects, created LOCKED", "WINSTORE_APP session 12,345,@1 (JDBC), INACTIVE")
        .doesNotContain("AdminPass-1");
  }

  @Test
  void shouldExportIntoOneFileWhenTheEditionRunsDataPumpSerially() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("free", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//db:1521/FREEPDB1", "system", "x", null,
        Path.of("/opt/oracle/full_backups"), "WINSTORE_DUMP", null, 4, Map.of(), Map.of()));
    SchemaRestoreRequest request = new SchemaRestoreRequest("free", null, "WINSTORE_ADMIN", List.of(), null,
        "winstore_full_backup.dmp", List.of(), true, Map.of(), null);
    Inventory inventory = new Inventory(List.of("WINSTORE_ADMIN"), List.of(), List.of("WINSTORE_ADMIN"), Map.of("WINSTORE_ADMIN", 3L),
        List.of(), List.of());
    int parallel = DataPump.parallelism("Oracle Database 23ai Free", 4);

    RestorePlan plan = new OracleSchemaRestore().plan(targets.get("free"), request, inventory, "run-1", "USERS", parallel);

    assertThat(plan.safetyExport().file()).isEqualTo("rebound_safety_winstore_admin_run1.dmp");
    assertThat(plan.text()).doesNotContain("DUMPFILE_SET");
    assertThat(plan.safetyExport().parameters()).contains("PARALLEL=1");
    assertThat(plan.importJob().parameters()).contains("PARALLEL=1");
  }
}
