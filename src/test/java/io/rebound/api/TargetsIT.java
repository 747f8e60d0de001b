package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code /api/targets} over HTTP: what a requester may pick, and nothing to connect with. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TargetsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String PW = TestUsers.PASSWORD;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  @Test
  void shouldListTargetsByNameDialectAndWhatEachSupportsWithoutAnythingToConnectWith() {
    Http.Answer answer = http().get("/api/targets", TestUsers.OPERATOR, PW);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonNode targets = answer.json();
    List<String> names = new ArrayList<>();
    targets.forEach(t -> names.add(t.get("name").asText()));
    assertThat(names).containsExactly(PostgresServers.TARGET, "ref");
    JsonNode restored = targets.get(0);
    assertThat(restored.get("dialect").asText()).isEqualTo("postgresql");
    assertThat(restored.get("supports").get("schemaRestore").asBoolean()).isTrue();
    assertThat(restored.get("supports").get("comparison").asBoolean()).isTrue();
    assertThat(restored.get("supports").get("backups").asBoolean()).as("no bucket configured").isFalse();
    assertThat(restored.get("links").get("dumps").asText()).isEqualTo("/api/targets/" + PostgresServers.TARGET + "/dumps");
    JsonNode reference = targets.get(1);
    assertThat(reference.get("supports").get("schemaRestore").asBoolean()).as("no dump directory").isFalse();
    assertThat(reference.get("links").has("dumps")).isFalse();
    assertThat(answer.body()).doesNotContain("jdbc:", "postgres\"", "localhost", PostgresServers.TARGET_PASSWORD, servers.dumpDirectory().toString());

    assertThat(http().get("/api/targets", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
    assertThat(http().get("/api/targets", null, null).status()).isEqualTo(401);
  }

  @Test
  void shouldListOnlyTheRegularFilesInsideADumpDirectoryNewestFirst() throws Exception {
    Path dumps = servers.dumpDirectory();
    Path older = Files.writeString(dumps.resolve("older.dump"), "x".repeat(10));
    Files.setLastModifiedTime(older, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Path newer = Files.writeString(dumps.resolve("newer.dump"), "y".repeat(25));
    Files.setLastModifiedTime(newer, FileTime.from(Instant.parse("2026-06-01T12:30:00.250Z")));
    Files.createDirectories(dumps.resolve("subdirectory"));
    Files.writeString(dumps.resolve("subdirectory").resolve("inside.dump"), "z");
    Files.writeString(dumps.resolve(".hidden.dump"), "h");
    Path outside = Files.writeString(Files.createTempDirectory("elsewhere").resolve("secret.dump"), "s");
    Files.createSymbolicLink(dumps.resolve("link.dump"), outside);
    Http http = http();

    Http.Answer answer = http.get("/api/targets/" + PostgresServers.TARGET + "/dumps", TestUsers.OPERATOR, PW);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    List<String> listed = new ArrayList<>();
    answer.json().forEach(f -> listed.add(f.get("name").asText() + " " + f.get("size").asLong() + " " + f.get("modifiedAt").asText()));
    assertThat(listed).containsSubsequence("newer.dump 25 2026-06-01T12:30:00.250Z", "older.dump 10 2026-01-01T00:00:00.000Z");
    assertThat(answer.body()).doesNotContain("subdirectory", "inside.dump", ".hidden", "link.dump", "secret.dump");

    Http.Answer unknown = http.get("/api/targets/nowhere/dumps", TestUsers.OPERATOR, PW);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("message").asText()).contains("no target nowhere");
    Http.Answer none = http.get("/api/targets/ref/dumps", TestUsers.OPERATOR, PW);
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("message").asText()).isEqualTo("target ref has no dump directory (rebound.targets.ref.dump-directory)");
    assertThat(http.get("/api/targets/" + PostgresServers.TARGET + "/dumps", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
  }
}
