package io.rebound.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditTrail;
import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.repair.reference.ReplicaCodec;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application stops in the middle of applying QueIn and is started again on the same engine database:
 * the repair goes on from the applied mark and completes, and no replica is applied twice.
 */
class WorkstationRepairRestartIT {

  static final String PW = TestUsers.PASSWORD;

  @Test
  void shouldFinishTheRepairAfterARestartInTheMiddleOfApplyingQueInWithoutApplyingAnythingTwice() throws Exception {
    try (S3Server s3 = S3Server.start(); EmbeddedPostgres engine = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
        WorkstationDatabases databases = new WorkstationDatabases(); ObjectStore store = s3.store("rebound", TransferSettings.DEFAULT)) {
      ReplicationServer server = new ReplicationServer(store);
      ReferenceWorkstation d1 = databases.create("d1", 1, store, server.mailbox("d1"));
      ReferenceWorkstation d2 = databases.create("d2", 2, store, server.mailbox("d2"));
      databases.backup("d1");
      for (int i = 0; i < 12; i++) {
        databases.execute("d2", "INSERT INTO shop.customers (name) VALUES ('d2 customer " + i + "')");
        d2.cycle();
        server.cycle();
      }
      d1.cycle();
      server.cycle();
      databases.restoreFromBackup("d1");
      // Every applied row write is counted, and takes a while: the stop comes in the middle of the queue.
      databases.execute("d1", "CREATE TABLE public.applied_writes (id bigserial, key bigint)",
          "CREATE FUNCTION public.count_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF current_setting('replication.applying', true) = 'on' THEN PERFORM pg_sleep(0.3);"
              + " INSERT INTO public.applied_writes (key) VALUES (NEW.id); END IF; RETURN NULL; END $$",
          "CREATE TRIGGER count_write AFTER INSERT OR UPDATE ON shop.customers FOR EACH ROW EXECUTE FUNCTION public.count_write()");

      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("server.port", "0");
      properties.put("spring.main.banner-mode", "off");
      properties.put("spring.datasource.url", engine.getJdbcUrl("postgres", "postgres"));
      properties.put("spring.datasource.username", "postgres");
      properties.put("spring.datasource.password", "");
      properties.put("camunda.bpm.job-execution.wait-time-in-millis", "50");
      properties.put("camunda.bpm.job-execution.max-wait", "200");
      properties.put("rebound.steps.retry-cycle", "R2/PT1S");
      properties.put("rebound.work-directory", Files.createTempDirectory("rebound-restart-jobs").toString());
      properties.put("rebound.storage.s3.endpoint", s3.endpoint().toString());
      properties.put("rebound.storage.s3.bucket", S3Server.BUCKET);
      properties.put("rebound.storage.s3.prefix", "rebound");
      properties.put("rebound.storage.s3.path-style-access", "true");
      properties.put("rebound.storage.s3.region", "us-east-1");
      properties.put("rebound.storage.s3.access-key-id", S3Server.ACCESS_KEY);
      properties.put("rebound.storage.s3.secret-access-key", S3Server.SECRET_KEY);
      properties.put("rebound.targets.ws_d1.dialect", "postgresql");
      properties.put("rebound.targets.ws_d1.url", databases.url("d1"));
      properties.put("rebound.targets.ws_d1.username", "postgres");
      properties.put("rebound.workstations.d1.target", "ws_d1");
      properties.put("rebound.workstations.d1.working-directory", databases.workingDirectory("d1").toString());
      properties.put("rebound.workstations.d1.mailbox", "mailboxes/d1");
      properties.put("rebound.workstations.d1.retransmission-wait", "PT1S");
      properties.put("rebound.workstations.d1.approval", "false");

      long queInLast = 12;
      String id;
      try (ConfigurableApplicationContext first = Applications.start(properties)) {
        Http http = new Http(Applications.port(first));
        Http.Answer started = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "d1"));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        id = started.json().get("id").asText();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
            .until(() -> databases.queryLong("d1", "SELECT value FROM replication.marks WHERE name = 'que_in_applied'") >= 2);
      }
      long appliedAtStop = databases.queryLong("d1", "SELECT value FROM replication.marks WHERE name = 'que_in_applied'");
      assertThat(appliedAtStop).as("the application stopped in the middle of applying QueIn").isBetween(2L, queInLast - 1);

      try (ConfigurableApplicationContext second = Applications.start(properties)) {
        Http http = new Http(Applications.port(second));
        Runs.awaitState(http, id, "COMPLETED");
        List<AuditEvent> events = second.getBean(AuditTrail.class).events(id);
        assertThat(events.stream().filter(e -> e.type().equals("STEP_FINISHED") && "apply-que-in".equals(e.step())).count()).isEqualTo(1);
        assertThat(events.stream().filter(e -> e.type().equals("STEP_FAILED") && "apply-que-in".equals(e.step())).map(AuditEvent::outcome))
            .allMatch(outcome -> outcome.contains("stopped by the application's shutdown"));
      }
      long changes = 0;
      try (Connection connection = databases.connect("d1"); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT no, payload FROM replication.que_in")) {
        while (rows.next()) {
          changes += ReplicaCodec.decode(rows.getBytes(2), "QueIn " + rows.getLong(1)).changes().size();
        }
      }
      assertThat(databases.queryLong("d1", "SELECT count(*) FROM public.applied_writes")).as("each change applied once").isEqualTo(changes);
      assertThat(databases.queryLong("d1", "SELECT count(DISTINCT key) FROM public.applied_writes")).isEqualTo(changes);
      assertThat(databases.shop("d1")).isEqualTo(databases.shop("d2"));
    }
  }
}
