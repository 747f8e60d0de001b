package io.rebound.config;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Closes the setup resource of Camunda's Admin webapp, whoever asks. While no user is in {@code camunda-admin},
 * Camunda lets an anonymous caller create the first administrator through
 * {@code <application-path>/api/admin/setup/{engine}/user/create} (its {@code SetupResource}, the only method
 * under {@code /setup} in Camunda 7.24, allowed anonymously by the webapp's security filter rules; no property
 * turns it off). On a fresh engine database the first caller would own everything. Rebound's first
 * administrator comes from configuration ({@code rebound.admin.*}) instead.
 *
 * <p>The guard runs before every other filter on every path and dispatch, and matches the path both as the
 * servlet container normalised it and as it arrived (decoded, path parameters and dot segments resolved,
 * case ignored), so no spelling of the path reaches Camunda.
 */
final class SetupEndpointGuard implements Filter {

  static final String MESSAGE = "Rebound does not create administrators over HTTP: the first administrator comes from"
      + " configuration (rebound.admin.username with rebound.admin.password-file or rebound.admin.password)";
  private static final List<String> SETUP = List.of("api", "admin", "setup");
  /** Undoes double and triple percent-encoding too; one more layer than any part of the chain decodes. */
  private static final int DECODE_ROUNDS = 3;

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer && isSetupRequest(http)) {
      answer.setStatus(HttpServletResponse.SC_FORBIDDEN);
      answer.setHeader("Cache-Control", "no-store");
      answer.setContentType("application/json;charset=UTF-8");
      answer.getWriter().write("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"" + MESSAGE + "\"}");
      return;
    }
    chain.doFilter(request, response);
  }

  static boolean isSetupRequest(HttpServletRequest request) {
    String normalised = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    return isSetupPath(normalised) || isSetupPath(request.getRequestURI());
  }

  /** Whether a path, however spelled, names the Admin webapp's setup resource or anything below it. */
  static boolean isSetupPath(String path) {
    if (path == null) {
      return false;
    }
    List<String> segments = segments(decode(path).toLowerCase(Locale.ROOT));
    for (int i = 0; i + SETUP.size() <= segments.size(); i++) {
      if (segments.subList(i, i + SETUP.size()).equals(SETUP)) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String path) {
    String decoded = path;
    for (int round = 0; round < DECODE_ROUNDS && decoded.indexOf('%') >= 0; round++) {
      try {
        // A '+' turns into a space here, as in a form; no spelling of "setup" has either.
        decoded = URLDecoder.decode(decoded, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        return decoded;
      }
    }
    return decoded;
  }

  /** The path's segments with path parameters ({@code ;jsessionid=...}) removed and dot segments resolved. */
  private static List<String> segments(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String raw : path.replace('\\', '/').split("/")) {
      int parameters = raw.indexOf(';');
      String segment = parameters >= 0 ? raw.substring(0, parameters) : raw;
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        segments.addLast(segment);
      }
    }
    return List.copyOf(segments);
  }
}
