package io.rebound.api;

import static io.rebound.testsupport.PostgresServers.execute;
import static io.rebound.testsupport.PostgresServers.queryString;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.demo.WinstoreSchema;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sequences a restored schema takes its ids from, whatever ties them to their columns: a table whose ids
 * come from {@code DEFAULT nextval('winstore_admin.invoice_ids')} with a sequence no column owns (the shape
 * of a schema brought over from Oracle, whose rows were loaded with their ids), and a table whose default
 * calls a sequence of another schema, which may be shared and is reported, never moved.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SchemaRestoreSequencesIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_with_invoices.dump";
  static final String PW = TestUsers.PASSWORD;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @BeforeAll
  static void dumpASchemaWhoseSequencesAreBehindTheirColumns() throws Exception {
    try (Connection target = servers.targetConnection()) {
      WinstoreSchema.createIfMissing(target);
      for (String sql : List.of(
          "CREATE SCHEMA shared",
          "CREATE SEQUENCE shared.ticket_ids",
          "CREATE SEQUENCE winstore_admin.invoice_ids",
          "CREATE TABLE winstore_admin.invoices (invoice_id bigint PRIMARY KEY DEFAULT nextval('winstore_admin.invoice_ids'),"
              + " amount numeric(10,2) NOT NULL)",
          "CREATE TABLE winstore_admin.tickets (ticket_id bigint PRIMARY KEY DEFAULT nextval('shared.ticket_ids'), subject text NOT NULL)",
          "ALTER TABLE winstore_admin.invoices OWNER TO winstore_admin",
          "ALTER SEQUENCE winstore_admin.invoice_ids OWNER TO winstore_admin",
          "ALTER TABLE winstore_admin.tickets OWNER TO winstore_admin",
          // Loaded with their ids, as a migration does: the sequences never handed those ids out.
          "INSERT INTO winstore_admin.invoices (invoice_id, amount) SELECT i, i * 10 FROM generate_series(1, 30) i",
          "SELECT setval('winstore_admin.invoice_ids', 5)",
          "INSERT INTO winstore_admin.tickets (ticket_id, subject) SELECT i, 'ticket ' || i FROM generate_series(1, 7) i")) {
        execute(target, sql);
      }
    }
    servers.createWinstoreDump(DUMP, 0);
  }

  @Test
  void shouldMoveADefaultFedSequencePastItsColumnAndReportAnotherSchemasSequenceWithoutMovingIt() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    try (Connection target = servers.targetConnection()) {
      execute(target, "DELETE FROM winstore_admin.invoices WHERE invoice_id > 20");
      execute(target, "INSERT INTO winstore_admin.invoices (invoice_id, amount) VALUES (500, 1)");
      execute(target, "SELECT setval('winstore_admin.invoice_ids', 600)");
    }

    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    awaitState(http, id, "COMPLETED");

    try (Connection target = servers.targetConnection()) {
      assertThat(queryString(target, "SELECT max(invoice_id) FROM winstore_admin.invoices")).isEqualTo("30");
      assertThat(queryString(target, "INSERT INTO winstore_admin.invoices (amount) VALUES (99) RETURNING invoice_id")).isEqualTo("31");
      assertThat(queryString(target, "SELECT last_value || ' ' || is_called FROM shared.ticket_ids")).isEqualTo("1 false");
    }

    JsonNode verify = event(http, id, "STEP_FINISHED", "verify");
    assertThat(verify.get("outcome").asText())
        .contains("winstore_admin.invoice_ids moved from 6 to 31 (feeds winstore_admin.invoices.invoice_id (default), highest 30)")
        .contains("shared.ticket_ids NOT MOVED: in schema shared, outside the restored schemas")
        .contains("next value 1 (feeds winstore_admin.tickets.ticket_id (default), highest 7): BEHIND")
        .contains("SEQUENCES LEFT BEHIND THEIR COLUMNS: shared.ticket_ids");
    Map<String, JsonNode> sequences = new HashMap<>();
    new ObjectMapper().readTree(verify.get("details").asText()).get("sequences").forEach(s -> sequences.put(s.get("sequence").asText(), s));
    assertThat(sequences).containsKeys("winstore_admin.invoice_ids", "shared.ticket_ids", "winstore_admin.products_seq",
        "winstore_admin.orders_order_id_seq", "winstore_admin.categories_category_id_seq");
    JsonNode invoices = sequences.get("winstore_admin.invoice_ids");
    assertThat(invoices.get("before").asLong()).isEqualTo(6);
    assertThat(invoices.get("after").asLong()).isEqualTo(31);
    assertThat(invoices.get("outcome").asText()).isEqualTo("MOVED");
    assertThat(sequences.get("shared.ticket_ids").get("outcome").asText()).isEqualTo("NOT_MOVED");
    assertThat(sequences.get("winstore_admin.orders_order_id_seq").get("outcome").asText()).isEqualTo("ALREADY_PAST");
  }
}
