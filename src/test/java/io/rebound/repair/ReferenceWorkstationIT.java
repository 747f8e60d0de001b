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

  @Test
  void shouldSetASentMarkPastTheEndOfQueOutBackToWhatTheServerReceivedSoThatTheUnsentReplicasStillGoOut() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("past_a", 1, store, server.mailbox("past_a"));
    ReferenceWorkstation b = databases.create("past_b", 2, store, server.mailbox("past_b"));
    databases.execute("past_a", "INSERT INTO shop.customers (name) VALUES ('sent')");
    everyone(server, a, b);
    // Packaged, never sent; and a mark that claims replicas up to 5, which QueOut (ending at 2) never held.
    databases.execute("past_a", "INSERT INTO shop.customers (name) VALUES ('packaged, never sent')");
    a.packageAudit();
    databases.execute("past_a", "UPDATE replication.marks SET value = 5 WHERE name = 'que_out_sent'");
    WorkstationReadings before = a.read();
    assertThat(before.queOutLast()).isEqualTo(2);
    assertThat(before.serverSentUpTo()).isEqualTo(1);

    a.markRepairStarted("run-past");
    String moved = a.repairMarks(before.serverSentUpTo());
    assertThat(moved).contains("sent up to 5 -> 1");
    assertThat(a.read().queOutSent()).isEqualTo(1);
    assertThat(a.repairMarks(before.serverSentUpTo())).as("run again, the same").contains("sent up to 1 -> 1");
    a.removeRepairMark();

    // Replica 2 goes out, and so does the next one packaged (number 3, which the old mark called sent).
    databases.execute("past_a", "INSERT INTO shop.customers (name) VALUES ('after the repair')");
    everyone(server, a, b);
    assertThat(databases.shop("past_b")).contains("packaged, never sent", "after the repair").isEqualTo(databases.shop("past_a"));
    assertThat(a.read().serverSentUpTo()).isEqualTo(3);
  }

  @Test
  void shouldSeeAGapInsideQueInRefuseToApplyPastItAndFillItFromTheServer() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("gap_a", 1, store, server.mailbox("gap_a"));
    ReferenceWorkstation b = databases.create("gap_b", 2, store, server.mailbox("gap_b"));
    databases.execute("gap_b", "INSERT INTO shop.customers (name) VALUES ('b 0')");
    everyone(server, a, b);
    databases.backup("gap_a");
    long restoredLast = a.read().queInLast();
    for (int i = 1; i <= 3; i++) {
      databases.execute("gap_b", "INSERT INTO shop.customers (name) VALUES ('b " + i + "')");
      everyone(server, a, b);
    }
    databases.restoreFromBackup("gap_a");
    long missing = restoredLast + 2;
    java.nio.file.Files.delete(databases.workingDirectory("gap_a").resolve("in").resolve(io.rebound.repair.reference.Mailbox.replicaName(missing)));

    a.markRepairStarted("run-gap");
    assertThat(a.restoreQueuesFromDirectory()).contains("still missing inside the queues: QueIn " + missing + ".." + missing);
    WorkstationReadings holed = a.read();
    assertThat(holed.queInMissing()).isEqualTo(1);
    assertThat(holed.queInFirstMissing()).isEqualTo(missing);
    assertThat(new NeedsRepairTable().reasons(holed)).extracting(Diagnosis.Reason::code).contains("QUE_IN_HAS_GAP");

    assertThatThrownBy(() -> a.applyQueIn(() -> false)).hasMessageContaining("QueIn lacks QueIn " + missing + ".." + missing);
    assertThat(a.read().queInApplied()).as("applied up to the gap, not past it").isEqualTo(missing - 1);

    // The server dropped what gap_a had read: the gap is asked for again and filled from the answer.
    List<Gap> gaps = a.fetchFromServer(holed.serverReadUpTo(), holed.serverSentUpTo());
    assertThat(gaps).containsExactly(new Gap(Gap.QUE_IN, missing, missing));
    a.requestRetransmission(gaps);
    server.answerRetransmissions();
    assertThat(a.fetchFromServer(holed.serverReadUpTo(), holed.serverSentUpTo())).isEmpty();
    assertThat(a.read().queInMissing()).isZero();
    a.applyQueIn(() -> false);
    a.repairMarks(holed.serverSentUpTo());
    a.removeRepairMark();
    everyone(server, a, b);
    assertThat(databases.shop("gap_a")).contains("b 3").isEqualTo(databases.shop("gap_b"));
  }

  @Test
  void shouldRefuseToApplyUnsentQueOutPastAGapNamingIt() throws Exception {
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a = databases.create("outgap_a", 1, store, server.mailbox("outgap_a"));
    for (int i = 1; i <= 3; i++) {
      databases.execute("outgap_a", "INSERT INTO shop.customers (name) VALUES ('a " + i + "')");
      a.packageAudit();
    }
    databases.execute("outgap_a", "DELETE FROM replication.que_out WHERE no = 2");
    WorkstationReadings holed = a.read();
    assertThat(holed.queOutMissing()).isEqualTo(1);
    assertThat(holed.queOutFirstMissing()).isEqualTo(2);
    assertThat(new NeedsRepairTable().reasons(holed)).extracting(Diagnosis.Reason::code).contains("QUE_OUT_HAS_GAP");

    assertThatThrownBy(() -> a.applyUnsentQueOut(0)).hasMessageContaining("QueOut lacks QueOut 2..2");
    assertThat(databases.queryLong("outgap_a", "SELECT value FROM replication.marks WHERE name = 'repair_que_out_applied'")).isEqualTo(1);
  }
}
