package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A browser keeps the HTTP basic credentials it was asked for by {@code /api} and sends them with any request to the
 * same server, also one a page of another site makes. Several changes of {@code /api} take no body at all (retention
 * with {@code dryRun=false}, the catalog's rebuild, a run's cancel, a step's retry), so such a page could make them
 * without a preflight. A change the browser marks as coming from another site is refused before it reaches the API,
 * whatever credentials it carries; the same request from the console's own page, or from a client that is no
 * browser, goes on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CrossSiteChangesIT {

  static final PostgresServers servers = new PostgresServers();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void users() {
    TestUsers.create(identity);
  }

  @Test
  void shouldRefuseABodilessChangeFromAPageOfAnotherSiteCarryingBasicCredentials() throws Exception {
    HttpResponse<String> answer = post("/api/runs/no-such-run/cancel", "cross-site");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
    assertThat(answer.body()).contains("another site");
  }

  @Test
  void shouldRefuseAChangeFromASiblingSite() throws Exception {
    HttpResponse<String> answer = post("/api/runs/no-such-run/cancel", "same-site");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
  }

  @Test
  void shouldLetTheSameChangeFromTheConsolesOwnPageOrAClientThatIsNoBrowserReachTheApi() throws Exception {
    // The API answers: there is no such run. Reaching it is what matters here.
    assertThat(post("/api/runs/no-such-run/cancel", "same-origin").statusCode()).isEqualTo(404);
    assertThat(post("/api/runs/no-such-run/cancel", null).statusCode()).isEqualTo(404);
  }

  @Test
  void shouldLetAPageOfAnotherSiteNoFurtherThanReadingWhichTheBrowserKeepsFromIt() throws Exception {
    HttpRequest request = basic(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/me")))
        .header("Sec-Fetch-Site", "cross-site").GET().build();

    assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldNotLetAPageOfAnotherSiteLogTheBrowserInToTheWebappsAndSoToApi() throws Exception {
    // A form of another site can post the login with the browser's cookies (the session and its XSRF-TOKEN
    // cookie), never with the token in the header: logged in as the page's author, the browser's next requests to
    // /api would be theirs.
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://localhost:" + port;
    browser.send(HttpRequest.newBuilder(URI.create(base + "/camunda/app/admin/default/")).GET().build(), HttpResponse.BodyHandlers.ofString());
    String form = "username=" + TestUsers.OPERATOR + "&password=" + TestUsers.PASSWORD;
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(base + "/camunda/api/admin/auth/user/default/login/tasklist"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
        .header("Origin", "https://elsewhere.example").POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(login.statusCode()).as(login.body()).isEqualTo(403);
    HttpResponse<String> me = browser.send(HttpRequest.newBuilder(URI.create(base + "/api/me")).header("X-Requested-With", "XMLHttpRequest")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).as(me.body()).isEqualTo(401);
  }

  @Test
  void shouldRefuseAChangeToTheEnginesRestApiFromAPageOfAnotherSiteCarryingBasicCredentials() throws Exception {
    HttpResponse<String> answer = post("/engine-rest/task/no-such-task/claim", "cross-site");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
    assertThat(answer.body()).contains("another site");
  }

  @Test
  void shouldRefuseAChangeFromAnotherSiteByItsOriginWhenTheBrowserSendsNoFetchMetadata() throws Exception {
    HttpResponse<String> api = send("/api/runs/no-such-run/cancel", null, "https://elsewhere.example");
    HttpResponse<String> engine = send("/engine-rest/task/no-such-task/claim", null, "https://elsewhere.example");

    assertThat(api.statusCode()).as(api.body()).isEqualTo(403);
    assertThat(engine.statusCode()).as(engine.body()).isEqualTo(403);
    // The console's own page, by Origin alone, reaches the API (which answers: there is no such run).
    assertThat(send("/api/runs/no-such-run/cancel", null, "http://localhost:" + port).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> send(String path, String fetchSite, String origin) throws IOException, InterruptedException {
    HttpRequest.Builder request = basic(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
    if (fetchSite != null) {
      request.header("Sec-Fetch-Site", fetchSite);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String fetchSite) throws IOException, InterruptedException {
    HttpRequest.Builder request = basic(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
    if (fetchSite != null) {
      request.header("Sec-Fetch-Site", fetchSite);
      if (!fetchSite.equals("same-origin")) {
        request.header("Origin", "https://elsewhere.example");
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder basic(HttpRequest.Builder request) {
    String credentials = TestUsers.OPERATOR + ":" + TestUsers.PASSWORD;
    return request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
  }
}
