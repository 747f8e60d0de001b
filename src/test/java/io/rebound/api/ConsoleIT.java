package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.Browsers;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console at {@code /} in a real browser: logged in through the webapps' login, it lists runs, shows a restore's
 * plan and approval, follows a run live while it goes, and cancels a run waiting for approval.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConsoleIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  static final Duration WAIT = Duration.ofSeconds(60);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;
  WebDriver browser;

  @BeforeAll
  static void dump() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  /** Opens the console and logs in with its form. */
  void logIn(String user) {
    browser = Browsers.loggedIn(port, user, PW);
  }

  /** The run's page draws itself again every 2 seconds and after each action: the wait looks again. */
  WebDriverWait waiting() {
    return Browsers.waiting(browser, WAIT);
  }

  @Test
  void shouldListARunWithItsStateTargetAndRequester() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    logIn(TestUsers.APPROVER);

    WebElement row = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-run-id='" + id + "']")));
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertThat(cells.get(1).getText()).isEqualTo("waiting for approval");
    assertThat(cells.get(2).getText()).isEqualTo(PostgresServers.TARGET);
    assertThat(cells.get(3).getText()).contains("dumpFile: " + DUMP);
    assertThat(cells.get(4).getText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(cells.get(8).getText()).contains("Approve reset");

    // The list follows the runs by itself: a run started now appears without reloading the page.
    markPage();
    String later = Runs.startRestore(http, TestUsers.BOTH, DUMP);
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-run-id='" + later + "']")));
    assertThat(pageMarked()).isTrue();

    // Filtered by requester, only theirs.
    browser.findElement(By.id("filter-requester")).sendKeys(TestUsers.BOTH);
    browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
    waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-run-id='" + id + "']")));
    assertThat(browser.findElements(By.cssSelector("tr[data-run-id='" + later + "']"))).hasSize(1);
  }

  @Test
  void shouldShowARestoreLiveUntilItEndsWithItsPlanAndApproval() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    logIn(TestUsers.OPERATOR);
    browser.get("http://localhost:" + port + "/#/runs/" + id);
    waiting().until(ExpectedConditions.attributeToBe(By.id("run-state"), "data-state", "WAITING_FOR_APPROVAL"));
    assertThat(browser.findElement(By.id("plan")).getText()).contains("DROP SCHEMA IF EXISTS \"winstore_admin\" CASCADE", "pg_restore");
    assertThat(browser.findElement(By.id("plan-hash")).getText()).startsWith("SHA-256 ");
    assertThat(browser.findElement(By.id("approval-none")).getText()).isEqualTo("Waiting for a decision.");
    assertThat(browser.findElements(By.id("progress-bar"))).isEmpty();
    markPage();

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", true, "comment", "checked the plan"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    // Without a reload: the progress of the import shows, reaches 100 %, and the run ends completed.
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("progress-bar")));
    waiting().until(ExpectedConditions.attributeToBe(By.id("run-state"), "data-state", "COMPLETED"));
    assertThat(browser.findElement(By.id("progress-bar")).getAttribute("value")).isEqualTo("100");
    assertThat(pageMarked()).as("the page followed the run without being reloaded").isTrue();

    String planHash = http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("planHash").asText();
    assertThat(browser.findElement(By.id("approval-decision")).getText()).isEqualTo("approved");
    assertThat(browser.findElement(By.id("approval-by")).getText()).isEqualTo(TestUsers.APPROVER);
    assertThat(browser.findElement(By.id("approval-comment")).getText()).isEqualTo("checked the plan");
    assertThat(browser.findElement(By.id("approval-plan-hash")).getText()).isEqualTo(planHash);
    String timeline = browser.findElement(By.id("timeline")).getText();
    // "Check import" shows only when the import outlived its start step's first look, which a small dump may not.
    assertThat(timeline).contains("Preflight and plan", "Approve reset", "Reset schema", "Start import", "Verify");
    assertThat(browser.findElements(By.cssSelector("#timeline-body tr[data-outcome='DONE']")).size()).isGreaterThanOrEqualTo(7);
    String importLog = browser.findElement(By.cssSelector("#logs .tool-log[data-job^='rebound-import-']")).getText();
    assertThat(importLog).as("the tail of pg_restore's log").contains("pg_restore: ");
    assertThat(importLog).doesNotContain(PostgresServers.TARGET_PASSWORD, PostgresServers.SCHEMA_PASSWORD);
    assertThat(browser.findElement(By.id("audit-report")).getAttribute("href")).endsWith("/api/recoveries/" + id + "/audit?format=md");
    assertThat(browser.findElements(By.id("cancel-button"))).isEmpty();
  }

  @Test
  void shouldLetTheRequesterCancelAWaitingRunFromItsPage() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    logIn(TestUsers.OPERATOR);
    browser.get("http://localhost:" + port + "/#/runs/" + id);
    WebElement cancel = waiting().until(ExpectedConditions.elementToBeClickable(By.id("cancel-button")));
    cancel.click();
    waiting().until(ExpectedConditions.alertIsPresent()).accept();

    waiting().until(ExpectedConditions.attributeToBe(By.id("run-state"), "data-state", "CANCELLED"));
    assertThat(browser.findElement(By.id("run-failure")).getText()).contains("cancelled by " + TestUsers.OPERATOR);
    assertThat(browser.findElements(By.id("cancel-button"))).isEmpty();
    JsonNode ended = Runs.event(http, id, "ENDED", "end");
    assertThat(ended.get("outcome").asText()).startsWith("CANCELLED");
    assertThat(ended.get("actor").asText()).isEqualTo(TestUsers.OPERATOR);
  }

  @Test
  void shouldOfferNoCancelToAnApproverOfSomeoneElsesRun() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    logIn(TestUsers.APPROVER);
    browser.get("http://localhost:" + port + "/#/runs/" + id);
    waiting().until(ExpectedConditions.attributeToBe(By.id("run-state"), "data-state", "WAITING_FOR_APPROVAL"));
    assertThat(browser.findElements(By.id("cancel-button"))).isEmpty();
    assertThat(browser.findElement(By.id("approval-link")).getAttribute("href")).contains("/camunda/app/tasklist/default/#/?task=");
  }

  @Test
  void shouldRequestARestoreFromTheStartPagePickingTheTargetAndTheDumpFile() {
    http();
    logIn(TestUsers.OPERATOR);
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("start-link"))).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#start-dump option[value='" + DUMP + "']")));
    List<String> targets = browser.findElements(By.cssSelector("#start-target option")).stream().map(o -> o.getAttribute("value")).toList();
    assertThat(targets).as("only targets with a dump directory").containsExactly(PostgresServers.TARGET);

    browser.findElement(By.id("start-profile")).sendKeys("no-such-profile");
    browser.findElement(By.id("start-button")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("start-error"), "Not requested: "));
    assertThat(browser.findElement(By.id("start-error")).getText()).contains("no-such-profile");

    browser.findElement(By.id("start-profile")).clear();
    browser.findElement(By.id("start-profile")).sendKeys("winstore");
    browser.findElement(By.id("start-button")).click();
    waiting().until(ExpectedConditions.attributeToBe(By.id("run-state"), "data-state", "WAITING_FOR_APPROVAL"));
    String id = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#/runs/") + "#/runs/".length());
    JsonNode run = http().get("/api/recoveries/" + id, TestUsers.APPROVER, PW).json();
    assertThat(run.get("requester").asText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(run.get("inputs").get("dumpFile").asText()).isEqualTo(DUMP);
  }

  @Test
  void shouldShowAComparisonsVerdictAndTheColumnsThatDifferWithSecretsWithheld() throws Exception {
    for (java.sql.Connection connection : List.of(servers.targetConnection(), servers.referenceConnection())) {
      try (connection) {
        PostgresServers.execute(connection, "CREATE SCHEMA IF NOT EXISTS console_cmp");
        PostgresServers.execute(connection, "CREATE TABLE console_cmp.accounts (id int PRIMARY KEY, login text, api_token text)");
        PostgresServers.execute(connection, "INSERT INTO console_cmp.accounts SELECT i, 'user' || i, 'token' || i FROM generate_series(1, 20) i");
      }
    }
    try (java.sql.Connection reference = servers.referenceConnection()) {
      PostgresServers.execute(reference, "UPDATE console_cmp.accounts SET login = 'someone', api_token = 'leaked' WHERE id = 7");
    }
    Http http = http();
    Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", PostgresServers.TARGET, "destination", "ref",
        "tables", List.of(Map.of("name", "console_cmp.accounts"))));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    logIn(TestUsers.APPROVER);
    browser.get("http://localhost:" + port + "/#/runs/" + id);

    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("comparison-verdict"), "DIFFERENT: 1 table differs"));
    WebElement columns = waiting().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".columns-differing[data-table='console_cmp.accounts']")));
    List<String> rows = columns.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
    assertThat(rows).containsExactly("7 login user7 someone", "7 api_token withheld withheld");
    assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("leaked", "token7");
    assertThat(browser.findElement(By.id("comparison-report")).getAttribute("href")).endsWith("/api/comparisons/" + id + "/report?format=md");
  }

  private void markPage() {
    ((JavascriptExecutor) browser).executeScript("window.reboundTestMark = true;");
  }

  private boolean pageMarked() {
    return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript("return window.reboundTestMark === true;"));
  }
}
