package io.rebound.config;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.camunda.bpm.engine.impl.identity.Authentication;

/**
 * Who may read the operations endpoints. The health ({@code /actuator/health} and its groups) needs no login: probes
 * and load balancers carry no credentials, and it shows no secret. Every other actuator endpoint (metrics, info) is
 * for administrators ({@code camunda-admin}); the API's description and Swagger UI for anyone logged in. A login is
 * HTTP basic or the webapps' session, as for {@code /api}.
 */
class OperationsAccess implements Filter {

  private final Filter authentication;
  private final Supplier<Authentication> currentUser;

  /**
   * @param authentication logs the caller in (or answers 401) and runs the rest of the chain as them
   * @param currentUser who that is, while the chain runs (the engine's current authentication)
   */
  OperationsAccess(Filter authentication, Supplier<Authentication> currentUser) {
    this.authentication = authentication;
    this.currentUser = currentUser;
  }

  /** The authentication is configured as the registration says (its provider: HTTP basic). */
  @Override
  public void init(FilterConfig config) throws ServletException {
    authentication.init(config);
  }

  @Override
  public void destroy() {
    authentication.destroy();
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String path = path(http);
    if (isHealth(path)) {
      chain.doFilter(request, response);
      return;
    }
    boolean adminsOnly = path.equals("/actuator") || path.startsWith("/actuator/");
    authentication.doFilter(request, response, (authenticated, answer) -> {
      if (adminsOnly && !isAdmin(currentUser.get())) {
        HttpServletResponse refused = (HttpServletResponse) answer;
        refused.setStatus(HttpServletResponse.SC_FORBIDDEN);
        refused.setContentType("application/json");
        refused.getOutputStream().write(("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"only members of "
            + ReboundGroups.ADMINS + " read " + path + "\"}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      chain.doFilter(authenticated, answer);
    });
  }

  /**
   * The path as the application maps it: decoded, normalised, without path parameters ({@code ;...}), so that no
   * spelling of another endpoint passes for the health.
   */
  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
    String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
    return servletPath + pathInfo;
  }

  static boolean isHealth(String path) {
    return path.equals("/actuator/health") || (path.startsWith("/actuator/health/") && !path.contains(".."));
  }

  static boolean isAdmin(Authentication authentication) {
    return authentication != null && authentication.getGroupIds() != null && authentication.getGroupIds().contains(ReboundGroups.ADMINS);
  }
}
