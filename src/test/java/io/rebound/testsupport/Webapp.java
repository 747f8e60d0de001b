package io.rebound.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A browser's session with Camunda's webapps (Tasklist, Cockpit, Admin), as their pages use it: a session
 * cookie and the CSRF token the webapps hand out, sent back on every change. A refusal seen here is Rebound's
 * or the engine's, not the CSRF filter's.
 */
public final class Webapp {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CookieManager cookies = new CookieManager();
  private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private String csrf;

  /** An anonymous session: opening the Admin webapp starts it and hands out the CSRF token. */
  public Webapp(int port) {
    this.base = "http://localhost:" + port;
    send(HttpRequest.newBuilder(URI.create(base + "/camunda/app/admin/default/")).GET());
  }

  /** A session logged in to one of the webapps (admin, tasklist, cockpit). */
  public static Webapp loggedIn(int port, String user, String password, String app) {
    Webapp webapp = new Webapp(port);
    Http.Answer login = webapp.login(app, user, password);
    assertThat(login.status()).as("login " + user + ": " + login.body()).isEqualTo(200);
    // Logging in starts a new session; the next answer carries its CSRF token.
    webapp.get("/camunda/api/admin/auth/user/default");
    return webapp;
  }

  public Http.Answer login(String app, String user, String password) {
    String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(URI.create(base + "/camunda/api/admin/auth/user/default/login/" + app))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  public Http.Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET());
  }

  public Http.Answer post(String path, Object body) {
    return send(json(path).POST(HttpRequest.BodyPublishers.ofString(write(body))));
  }

  public Http.Answer put(String path, Object body) {
    return send(json(path).PUT(HttpRequest.BodyPublishers.ofString(write(body))));
  }

  /** What the Admin webapp's "create initial user" page sends, at the given path. */
  public Http.Answer createInitialUser(String path, String user, String password) {
    return post(path, JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("profile", JSON.createObjectNode()
            .put("id", user).put("firstName", "First").put("lastName", "Admin").put("email", user + "@example.org"))
        .set("credentials", JSON.createObjectNode().put("password", password)));
  }

  private HttpRequest.Builder json(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").header("Accept", "application/json");
  }

  private static String write(Object body) {
    try {
      return body instanceof String text ? text : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Http.Answer send(HttpRequest.Builder request) {
    String token = csrf != null ? csrf : cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .map(HttpCookie::getValue).reduce((first, last) -> last).orElse(null);
    if (token != null) {
      request.header("X-XSRF-TOKEN", token);
    }
    try {
      HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      response.headers().firstValue("X-XSRF-TOKEN").ifPresent(value -> csrf = value);
      for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
        if (cookie.getName().equals("XSRF-TOKEN")) {
          csrf = cookie.getValue();
        }
      }
      return new Http.Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
