package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The forms as a requester and an approver meet them in Camunda Tasklist, in a real browser: a start form whose
 * target and profile are picked from lists, and the approval with the whole plan readable on the page (not a few
 * lines in a box to scroll), shown literally, and the decision taken with the form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TasklistFormsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
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

  @Test
  void shouldShowTheWholePlanLiterallyOnThePageAndTakeTheDecisionFromTheForm() {
    TestUsers.create(identity);
    Http http = new Http(port);
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    String task = Runs.approvalTask(http, id);
    String plan = http.get("/api/runs/" + id, TestUsers.OPERATOR, TestUsers.PASSWORD).json().get("plan").asText();
    assertThat(plan).as("a plan with text that looks like markup").contains("<from target configuration>", "$rebound$", "\n  - ", "\n1. ");
    assertThat(plan.lines().count()).as("a plan longer than a text area's few lines").isGreaterThan(40);

    logIn(TestUsers.APPROVER);
    browser.get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    WebElement shown = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".fjs-form .fjs-form-field-text pre")));

    assertThat(shown.getText()).as("the plan, every line, as text (markup-looking parts not read as markup)").isEqualTo(plan.strip());
    assertThat(shown.findElements(By.xpath(".//*[not(self::code)]"))).as("nothing in the plan became an element").isEmpty();
    Map<?, ?> box = (Map<?, ?>) ((JavascriptExecutor) browser).executeScript(
        "const e = arguments[0]; return {ch: e.clientHeight, sh: e.scrollHeight, cw: e.clientWidth, sw: e.scrollWidth};", shown);
    assertThat(((Number) box.get("sh")).longValue()).as("no part of the plan hidden below a box to scroll: %s", box)
        .isLessThanOrEqualTo(((Number) box.get("ch")).longValue() + 1);
    assertThat(((Number) box.get("sw")).longValue()).as("no part hidden to the right: %s", box)
        .isLessThanOrEqualTo(((Number) box.get("cw")).longValue() + 1);
    assertThat(browser.findElement(By.cssSelector(".fjs-form")).getText()).as("no changes shown on a first approval")
        .doesNotContain("Changed since the last approval");

    // Tasklist opens a task read-only until it is claimed.
    inView(waiting().until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']")))).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".disabled-form"), 0));
    WebElement approve = browser.findElement(By.xpath("//label[contains(., 'Approve: run this plan')]/input[@type='checkbox']"));
    inView(approve).click();
    inView(browser.findElement(By.xpath("//textarea[@id=//label[normalize-space()='Comment']/@for]"))).sendKeys("read the whole plan");
    inView(waiting().until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Complete']")))).click();

    Runs.awaitState(http, id, "COMPLETED");
    var approval = http.get("/api/runs/" + id, TestUsers.OPERATOR, TestUsers.PASSWORD).json().get("approval");
    assertThat(approval.get("by").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(approval.get("comment").asText()).isEqualTo("read the whole plan");
  }

  @Test
  void shouldStartASchemaRestoreFromTasklistPickingTargetAndProfileFromLists() {
    TestUsers.create(identity);
    Http http = new Http(port);
    java.util.Set<String> before = runIds(http);
    logIn(TestUsers.OPERATOR);
    browser.get("http://localhost:" + port + "/camunda/app/tasklist/default/#/");
    inView(waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector(".start-process-action a, a.start-process-action,"
        + " [cam-widget-header] .start-process-action")))).click();
    inView(waiting().until(ExpectedConditions.elementToBeClickable(By.xpath("//a[normalize-space()='Schema restore']")))).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".fjs-form")));

    assertThat(pick("Target", "it (postgresql)")).as("the targets with a dump directory, ref has none").containsExactly("it (postgresql)");
    assertThat(pick("Restore profile (optional)", "winstore (WINSTORE_ADMIN)")).containsExactly("winstore (WINSTORE_ADMIN)");
    inView(browser.findElement(By.xpath("//input[@id=//label[normalize-space(text()[1])='Dump file']/@for]"))).sendKeys(DUMP);
    inView(waiting().until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Start']")))).click();

    String id = org.awaitility.Awaitility.await().atMost(WAIT).until(
        () -> runIds(http).stream().filter(run -> !before.contains(run)).findFirst().orElse(null), java.util.Objects::nonNull);
    var run = http.get("/api/runs/" + id, TestUsers.OPERATOR, TestUsers.PASSWORD).json().get("run");
    assertThat(run.get("target").asText()).isEqualTo(PostgresServers.TARGET);
    assertThat(run.get("requester").asText()).isEqualTo(TestUsers.OPERATOR);
    Runs.approvalTask(http, id);
  }

  /**
   * Opens a form-js select as a requester does, reads the options it offers, and picks one of them; the list is
   * opened once (form-js does not open it again on a click while its input keeps the focus).
   */
  List<String> pick(String label, String option) {
    WebElement select = select(label);
    open(select);
    List<WebElement> items = waiting().until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(select, By.cssSelector(".fjs-dropdownlist-item")));
    List<String> offered = items.stream().map(WebElement::getText).toList();
    items.stream().filter(item -> item.getText().equals(option)).findFirst()
        .orElseThrow(() -> new AssertionError(option + " not offered by " + label + ": " + offered)).click();
    waiting().until(page -> select.findElement(By.cssSelector(".fjs-select-display")).getText().equals(option));
    return offered;
  }

  /** Opens a form-js select's list, unless it is open: a click on its display, as a requester does. */
  void open(WebElement select) {
    if (select.findElements(By.cssSelector(".fjs-dropdownlist")).isEmpty()) {
      inView(select.findElement(By.cssSelector(".fjs-input-group"))).click();
    }
  }

  WebElement select(String label) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//div[contains(@class, 'fjs-form-field-select')]"
        + "[.//label[normalize-space(text()[1])='" + label + "']]")));
  }

  static java.util.Set<String> runIds(Http http) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    http.get("/api/runs?runbook=schema-restore", TestUsers.OPERATOR, TestUsers.PASSWORD).json().path("runs")
        .forEach(run -> ids.add(run.get("id").asText()));
    return ids;
  }

  /** Logs in through the console's login form; the session is the webapps' one, so Tasklist opens logged in. */
  void logIn(String user) {
    browser = Browsers.loggedIn(port, user, TestUsers.PASSWORD);
  }

  WebElement inView(WebElement element) {
    return Browsers.inView(browser, element);
  }

  WebDriverWait waiting() {
    return Browsers.waiting(browser, WAIT);
  }
}
