package io.rebound.demo;

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
 * A browser's session with Camunda's webapps, as the Admin webapp's pages use it: a session cookie and the
 * CSRF token the webapps hand out, sent back on every change. So a refusal seen here is not the CSRF filter's.
 */
final class CamundaWebapp {

  private final CookieManager cookies = new CookieManager();
  private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  CamundaWebapp(int port) {
    this.base = "http://localhost:" + port;
    // Opening the Admin webapp starts the session and hands out the CSRF token.
    send(HttpRequest.newBuilder(URI.create(base + "/camunda/app/admin/default/")).GET());
  }

  record Answer(int status, String body) {}

  /** Logs in to one of the webapps (admin, tasklist, cockpit) as the given user. */
  Answer login(String app, String user, String password) {
    String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return send(withToken(HttpRequest.newBuilder(URI.create(base + "/camunda/api/admin/auth/user/default/login/" + app)))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  /** What the Admin webapp's "create initial user" page sends, at the given path. */
  Answer createInitialUser(String path, String user, String password) {
    String json = "{\"profile\":{\"id\":\"" + user + "\",\"firstName\":\"First\",\"lastName\":\"Admin\",\"email\":\"" + user
        + "@example.org\"},\"credentials\":{\"password\":\"" + password + "\"}}";
    return send(withToken(HttpRequest.newBuilder(URI.create(base + path)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder withToken(HttpRequest.Builder request) {
    String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .map(HttpCookie::getValue).reduce((first, last) -> last).orElse("");
    return request.header("X-XSRF-TOKEN", token);
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
