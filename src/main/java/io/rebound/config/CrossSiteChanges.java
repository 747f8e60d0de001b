package io.rebound.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a change to {@code /api} or {@code /engine-rest} that a page of another site made the browser send. A
 * browser keeps the basic credentials it was asked for by this server and sends them with such a request too, and
 * several changes take no body (a cancel, a retry, a prune without dry run, a task's claim), so no preflight stops
 * them: the browser's own marks do. {@code Sec-Fetch-Site} says it where the browser sends it; otherwise an
 * {@code Origin} naming another host than the request's says it (browsers that predate {@code Sec-Fetch-Site} send
 * {@code Origin} with every cross-origin change). A client that is no browser sends neither and goes on; reads go on,
 * since the browser keeps their answers from the other site's page.
 */
class CrossSiteChanges extends HttpFilter {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (refused(request.getMethod(), request.getHeader("Sec-Fetch-Site"), request.getHeader("Origin"), request.getHeader("Host"))) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("application/json");
      response.getOutputStream().write(("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"a change from a page of another site is refused\"}")
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * Whether a request is a change a page of another site made: marked {@code cross-site} or {@code same-site} (a
   * sibling site is another site too), or, unmarked, carrying an {@code Origin} whose host and port are not the
   * request's {@code Host}. An {@code Origin} of {@code null} (a sandboxed page, a redirect across sites) is another
   * site.
   */
  static boolean refused(String method, String fetchSite, String origin, String host) {
    if (method == null || READS.contains(method.toUpperCase(Locale.ROOT))) {
      return false;
    }
    if (fetchSite != null) {
      String site = fetchSite.trim().toLowerCase(Locale.ROOT);
      return site.equals("cross-site") || site.equals("same-site");
    }
    if (origin == null) {
      return false;
    }
    return !sameAuthority(origin.trim(), host);
  }

  private static boolean sameAuthority(String origin, String host) {
    if (host == null || origin.equalsIgnoreCase("null")) {
      return false;
    }
    URI uri;
    try {
      uri = URI.create(origin);
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
    if (uri.getHost() == null || uri.getScheme() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    int originPort = uri.getPort() != -1 ? uri.getPort() : defaultPort;
    // Host carries the port only when it is not the scheme's default ("[::1]:8080" for an address of IPv6).
    String expected = host.trim().toLowerCase(Locale.ROOT);
    int colon = expected.lastIndexOf(':');
    String hostName = expected;
    int hostPort = defaultPort;
    if (colon > expected.lastIndexOf(']')) {
      hostName = expected.substring(0, colon);
      try {
        hostPort = Integer.parseInt(expected.substring(colon + 1));
      } catch (NumberFormatException unreadable) {
        return false;
      }
    }
    return hostName.equals(uri.getHost().toLowerCase(Locale.ROOT)) && hostPort == originPort;
  }
}
