package io.rebound.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference workstation on a real PostgreSQL and a real S3 server: the normal cycle replicates between
 * three workstations, and its repair operations, called in the runbook's order, bring a workstation restored
 * from a backup back in step with the others.
 */
class ReferenceWorkstationIT {

  static S3Server s3;
  static ObjectStore store;
  static WorkstationDatabases databases;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Server.start();
    store = s3.store("reference", TransferSettings.DEFAULT);
    databases = new WorkstationDatabases();
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    s3.close();
    databases.close();
  }

  static void everyone(ReplicationServer server, ReferenceWorkstation... workstations) {
    for (int turn = 0; turn < 2; turn++) {
      for (ReferenceWorkstation workstation : workstations) {
        workstation.cycle();
      }
      server.cycle();
    }
    for (ReferenceWorkstation workstation : workstations) {
      workstation.cycle();
    }
  }

  @Test
  void shouldReplicateLocalChangesToEveryWorkstationThroughTheServer() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("cycle_a", 1, store, server.mailbox("cycle_a"));
    ReferenceWorkstation b = databases.create("cycle_b", 2, store, server.mailbox("cycle_b"));

    databases.execute("cycle_a", "INSERT INTO shop.customers (name, city) VALUES ('Ada', 'Paris'), ('Bob', 'Lyon')");
    databases.execute("cycle_b", "INSERT INTO shop.customers (name) VALUES ('Cleo')", "INSERT INTO shop.orders (customer_id, amount) VALUES (1, 12.50)");
    everyone(server, a, b);
    databases.execute("cycle_b", "UPDATE shop.customers SET city = 'Nice' WHERE name = 'Ada'", "DELETE FROM shop.customers WHERE name = 'Bob'");
    everyone(server, a, b);

    assertThat(databases.shop("cycle_a")).isEqualTo(databases.shop("cycle_b")).contains("Nice").doesNotContain("Bob");
    assertThat(databases.queryLong("cycle_a", "SELECT count(*) FROM replication.audit")).isZero();
    WorkstationReadings readings = a.read();
    assertThat(readings.queInApplied()).isEqualTo(readings.queInLast()).isEqualTo(server.streamLength());
    assertThat(readings.directoryInLast()).isEqualTo(readings.queInLast());
    assertThat(readings.queOutSent()).isEqualTo(readings.serverSentUpTo()).isEqualTo(readings.queOutLast()).isEqualTo(1);
  }

  @Test
  void shouldRefuseTheNormalCycleWhileARepairIsMarked() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("marked_a", 1, store, server.mailbox("marked_a"));
    a.markRepairStarted("run-1");
    assertThatThrownBy(a::cycle).hasMessageContaining("is being repaired");
    a.removeRepairMark();
    a.cycle();
  }

  @Test
  void shouldBringARestoredWorkstationBackInStepThroughItsRepairOperations() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("rep_a", 1, store, server.mailbox("rep_a"));
    ReferenceWorkstation b = databases.create("rep_b", 2, store, server.mailbox("rep_b"));
    databases.execute("rep_b", "INSERT INTO shop.customers (name) VALUES ('from b')");
    databases.execute("rep_a", "INSERT INTO shop.customers (name) VALUES ('from a 1')");
    everyone(server, a, b);
    databases.backup("rep_a");
    databases.execute("rep_a", "INSERT INTO shop.customers (name) VALUES ('from a 2')");
    databases.execute("rep_b", "INSERT INTO shop.orders (customer_id, amount) VALUES (2, 3.00)");
    everyone(server, a, b);
    // Made and packaged, never sent: only the working directory has it.
    databases.execute("rep_a", "INSERT INTO shop.customers (name) VALUES ('from a 3, unsent')");
    a.packageAudit();
    databases.restoreFromBackup("rep_a");

    WorkstationReadings before = a.read();
    assertThat(before.queInLast()).isLessThan(before.serverReadUpTo());
    assertThat(before.queOutLast()).isLessThan(before.directoryOutLast());

    a.markRepairStarted("run-2");
    a.restoreQueuesFromDirectory();
    assertThat(a.fetchFromServer(before.serverReadUpTo(), before.serverSentUpTo())).isEmpty();
    assertThat(a.fetchOwnReplicas(before.serverSentUpTo())).isEmpty();
    assertThat(a.applyQueIn(() -> false)).isPositive();
    assertThat(a.applyUnsentQueOut(before.serverSentUpTo())).isEqualTo(1);
    assertThat(a.applyUnsentQueOut(before.serverSentUpTo())).as("a second run applies nothing again").isZero();
    List<String> generators = a.repairGenerators();
    assertThat(generators).anyMatch(line -> line.contains("customers_id_seq"));
    a.repairMarks(before.serverSentUpTo());
    a.removeRepairMark();

    databases.execute("rep_a", "INSERT INTO shop.customers (name) VALUES ('from a 4, after the repair')");
    everyone(server, a, b);
    assertThat(databases.shop("rep_a")).isEqualTo(databases.shop("rep_b")).contains("from a 2", "unsent", "after the repair", "3.00");
    assertThat(databases.queryLong("rep_a", "SELECT count(*) FROM shop.customers WHERE name LIKE 'from a%'")).isEqualTo(4);
  }
}
