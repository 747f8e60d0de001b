package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import io.rebound.testsupport.Webapp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The start forms as Tasklist submits them, through the webapps' own engine API with a logged-in session: every
 * typo a requester can make in the schema restore's and the comparison's forms answers 400 with the reason, starts
 * nothing, and leaves one INFO line in the log, not a 500 and a stack trace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class TasklistStartFormsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  static final String ENGINE = "/camunda/api/engine/engine/default";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @LocalServerPort int port;

  @BeforeAll
  static void dump() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
  }

  /** A schema restore's form as Tasklist sends it: every field, empty ones as empty text, the checkbox a Boolean. */
  static Map<String, Object> restoreForm(Object... changes) {
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("target", text(PostgresServers.TARGET));
    form.put("profile", text("winstore"));
    form.put("schemaOwner", text(""));
    form.put("companionUsers", text(""));
    form.put("dumpFile", text(DUMP));
    form.put("keyTables", text(""));
    form.put("safetyExport", typed(true, "Boolean"));
    for (int i = 0; i < changes.length; i += 2) {
      form.put((String) changes[i], changes[i + 1]);
    }
    return form;
  }

  /** A comparison's form as Tasklist sends it. */
  static Map<String, Object> compareForm(Object... changes) {
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("source", text(PostgresServers.TARGET));
    form.put("destination", text("ref"));
    form.put("tables", text("winstore_admin.products"));
    form.put("chunkSize", typed(250000, "Long"));
    form.put("parallelism", typed(2, "Long"));
    form.put("maxReportedDifferences", typed(20, "Long"));
    for (int i = 0; i < changes.length; i += 2) {
      form.put((String) changes[i], changes[i + 1]);
    }
    return form;
  }

  @Test
  void shouldAnswerEveryTypoInTheSchemaRestoreFormWith400AndOneInfoLine(CapturedOutput output) {
    Webapp tasklist = tasklist();
    String definition = definition(tasklist, "schema-restore");
    List<Case> cases = List.of(
        new Case(restoreForm("target", text("")), "target"),
        new Case(restoreForm("target", text("nowhere")), "unknown target"),
        new Case(restoreForm("dumpFile", text("")), "dumpFile"),
        new Case(restoreForm("dumpFile", text("../etc/passwd")), "without path parts"),
        new Case(restoreForm("dumpFile", text("backups/winstore.dump")), "without path parts"),
        new Case(restoreForm("dumpFile", text("winstore_%U.dump")), "pg_restore reads one file"),
        new Case(restoreForm("profile", text("winstor")), "winstor"),
        new Case(restoreForm("profile", text(""), "schemaOwner", text("")), "schemaOwner"),
        new Case(restoreForm("profile", text(""), "schemaOwner", text("WINSTORE'ADMIN")), "not a valid"),
        new Case(restoreForm("profile", text(""), "schemaOwner", text("postgres")), "system account"),
        new Case(restoreForm("profile", text(""), "schemaOwner", text("winstore_admin"), "companionUsers", text("WINSTORE_APP;X")), "not a valid"),
        new Case(restoreForm("profile", text(""), "schemaOwner", text("winstore_admin"), "keyTables", text("PRODUCTS\"; --")), "not a valid"),
        new Case(restoreForm("safetyExport", text("maybe")), "safetyExport must be true or false"),
        new Case(restoreForm("extra", text("x")), "unknown input 'extra'"));
    for (Case typo : cases) {
      refused(tasklist, definition, typo, output);
    }
  }

  @Test
  void shouldAnswerEveryTypoInTheComparisonFormWith400AndOneInfoLine(CapturedOutput output) {
    Webapp tasklist = tasklist();
    String definition = definition(tasklist, "table-compare");
    List<Case> cases = List.of(
        new Case(compareForm("source", text("")), "source is required"),
        new Case(compareForm("destination", text("nowhere")), "unknown destination target 'nowhere'"),
        new Case(compareForm("tables", text("")), "tables"),
        new Case(compareForm("tables", text("products")), "must be schema-qualified"),
        new Case(compareForm("tables", text("winstore_admin.products, winstore_admin.products")), "named twice"),
        new Case(compareForm("tables", text("[{\"name\": \"winstore_admin.products\", \"wher\": \"x\"}")), "not a JSON list"),
        new Case(compareForm("tables", text("[{\"name\": \"winstore_admin.products\", \"wher\": \"x\"}]")), "unknown key 'wher'"),
        new Case(compareForm("tables", text("[{\"name\": \"winstore_admin.products\", \"where\": \"pg_sleep(1) is null\"}]")), "may not call pg_sleep"),
        new Case(compareForm("tables", text("[{\"name\": \"winstore_admin.products\", \"destinationName\": \"products\"}]")), "destinationName"),
        new Case(compareForm("chunkSize", typed(5, "Long")), "chunkSize"),
        new Case(compareForm("chunkSize", text("lots")), "chunkSize"),
        new Case(compareForm("chunkSize", typed(2.5, "Double")), "chunkSize"),
        new Case(compareForm("parallelism", typed(99, "Long")), "parallelism"),
        new Case(compareForm("maxReportedDifferences", typed(-1, "Integer")), "maxReportedDifferences"));
    for (Case typo : cases) {
      refused(tasklist, definition, typo, output);
    }
  }

  /**
   * Tasklist gives a start form no variables, so its pick-lists are written into the form as it is deployed: the
   * targets that can do what the runbook does (only those with a dump directory restore schemas; every one compares),
   * labelled with their dialect, and the restore profiles with the owner each restores.
   */
  @Test
  void shouldDeployTheStartFormsWithTheConfiguredTargetsAndProfilesToPickFrom() {
    Webapp tasklist = tasklist();

    Map<String, List<String>> restore = selects(tasklist, "schema-restore");
    Map<String, List<String>> compare = selects(tasklist, "table-compare");

    assertThat(restore).containsEntry("target", List.of("it (postgresql)=it"))
        .containsEntry("profile", List.of("winstore (WINSTORE_ADMIN)=winstore"));
    assertThat(compare).containsEntry("source", List.of("it (postgresql)=it", "ref (postgresql)=ref"))
        .containsEntry("destination", List.of("it (postgresql)=it", "ref (postgresql)=ref"));
    Http.Answer start = tasklist.get(ENGINE + "/process-definition/" + definition(tasklist, "schema-restore") + "/deployed-start-form");
    assertThat(start.json().findValuesAsText("description")).as("nothing said empty when there is a choice")
        .noneMatch(d -> d.contains("Nothing configured"));
  }

  /** The deployed start form's selects as Tasklist reads them: key to "label=value" options. */
  private static Map<String, List<String>> selects(Webapp tasklist, String key) {
    Http.Answer form = tasklist.get(ENGINE + "/process-definition/" + definition(tasklist, key) + "/deployed-start-form");
    assertThat(form.status()).as(form.body()).isEqualTo(200);
    Map<String, List<String>> selects = new LinkedHashMap<>();
    form.json().findParents("type").stream().filter(c -> "select".equals(c.path("type").asText())).forEach(select -> {
      List<String> options = new java.util.ArrayList<>();
      select.path("values").forEach(v -> options.add(v.path("label").asText() + "=" + v.path("value").asText()));
      selects.put(select.path("key").asText(), options);
    });
    return selects;
  }

  /** One typo: what the form sends and a part of the reason the answer gives. */
  record Case(Map<String, Object> variables, String reason) {}

  private void refused(Webapp tasklist, String definition, Case typo, CapturedOutput output) {
    long runs = history.createHistoricProcessInstanceQuery().count();
    int logged = output.getOut().length();
    int errors = output.getErr().length();
    Map<String, Object> body = new HashMap<>();
    body.put("variables", typo.variables());
    body.put("businessKey", null);

    Http.Answer answer = tasklist.post(ENGINE + "/process-definition/" + definition + "/submit-form", body);

    String what = typo.variables() + " -> " + answer.body();
    assertThat(answer.status()).as(what).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).as(what).contains(typo.reason());
    assertThat(answer.body()).as(what).doesNotContain("\tat ", "Exception:", "ENGINE-");
    assertThat(history.createHistoricProcessInstanceQuery().count()).as("nothing started: " + what).isEqualTo(runs);
    String log = output.getOut().substring(logged);
    String message = answer.json().get("message").asText();
    List<String> lines = Arrays.stream(log.split("\n")).filter(l -> !l.isBlank()).toList();
    // Other work may log meanwhile (the job executor, other runs): the refusal's own lines are those that name it,
    // a stack trace, or a warning or an error.
    assertThat(lines.stream().filter(l -> l.contains(message)).toList()).as("one line for the refusal: " + what + "\n" + log)
        .singleElement().satisfies(line -> assertThat(line).contains(" INFO "));
    assertThat(lines).as("no stack trace, no warning: " + log).noneMatch(l -> l.startsWith("\tat ") || l.contains(" ERROR ") || l.contains(" WARN "));
    assertThat(output.getErr().substring(Math.min(output.getErr().length(), errors))).as("nothing on stderr").doesNotContain("\tat ");
  }

  private Webapp tasklist() {
    TestUsers.create(identity);
    return Webapp.loggedIn(port, TestUsers.OPERATOR, PW, "tasklist");
  }

  /** The definition Tasklist starts, found as Tasklist finds it. */
  private static String definition(Webapp tasklist, String key) {
    Http.Answer definition = tasklist.get(ENGINE + "/process-definition/key/" + key);
    assertThat(definition.status()).as(definition.body()).isEqualTo(200);
    return definition.json().get("id").asText();
  }

  private static Map<String, Object> text(String value) {
    return typed(value, "String");
  }

  private static Map<String, Object> typed(Object value, String type) {
    Map<String, Object> typed = new HashMap<>();
    typed.put("value", value);
    typed.put("type", type);
    return typed;
  }
}
