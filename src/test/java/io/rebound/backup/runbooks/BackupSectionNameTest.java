package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A target's backup section is found whatever its name holds that a property name may not, such as '_'. */
class BackupSectionNameTest {

  @Test
  void shouldFindTheBackupSectionOfATargetWhoseNameHasAnUnderscore() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
        "rebound.targets.ws_a1.url", "jdbc:postgresql://h/db",
        "rebound.targets.orders.backup.full-schedule", "0 0 1 ? * SUN",
        "rebound.targets.orders_eu.backup.full-schedule", "0 0 2 ? * SUN")));

    assertThat(BackupSchedules.hasBackupSection(binder, "ws_a1")).isFalse();
    assertThat(BackupSchedules.hasBackupSection(binder, "orders")).isTrue();
    assertThat(BackupSchedules.hasBackupSection(binder, "orders_eu")).isTrue();
    assertThat(BackupSchedules.hasBackupSection(binder, "unknown")).isFalse();
  }
}
