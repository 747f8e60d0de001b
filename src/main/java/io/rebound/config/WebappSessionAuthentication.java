package io.rebound.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.webapp.impl.security.auth.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.filter.util.CsrfConstants;

/**
 * Authentication of {@code /api}: HTTP basic as before, or the session of someone logged in to Camunda's webapps
 * (Tasklist, Cockpit, the console at {@code /}): one login for all of them. A request with an
 * {@code Authorization} header is always judged by it. A session's user is looked up again on every request
 * (groups included), so a user removed or taken out of a group loses access at once, not when the webapps' cache
 * expires. A change made with a session must carry the webapps' CSRF token ({@code X-XSRF-TOKEN}), as every
 * change through the webapps does: a page of another site can make the browser send the cookie, not the token.
 * Changes a page of another site made are refused before this filter, whatever they carry ({@link CrossSiteChanges}).
 */
class WebappSessionAuthentication extends ProcessEngineAuthenticationFilter {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private final ProcessEngine engine;

  WebappSessionAuthentication(ProcessEngine engine) {
    this.engine = engine;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    HttpServletResponse answer = (HttpServletResponse) response;
    String userId = http.getHeader("Authorization") == null ? sessionUser(http.getSession(false)) : null;
    if (userId == null && http.getHeader("Authorization") == null && "XMLHttpRequest".equals(http.getHeader("X-Requested-With"))) {
      // A page's script asking without a login: 401 without a basic challenge, which would make the browser prompt.
      answer.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      answer.setContentType("application/json");
      answer.getOutputStream().write("{\"status\":401,\"error\":\"Unauthorized\",\"message\":\"log in first\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (userId == null) {
      super.doFilter(request, response, chain);
      return;
    }
    if (!READS.contains(http.getMethod()) && !tokenMatches(http.getSession(false), http.getHeader(CsrfConstants.CSRF_TOKEN_HEADER_NAME))) {
      answer.setStatus(HttpServletResponse.SC_FORBIDDEN);
      answer.setContentType("application/json");
      answer.getOutputStream().write(("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"a change made with a webapp session "
          + "must carry its CSRF token in the X-XSRF-TOKEN header\"}").getBytes(StandardCharsets.UTF_8));
      return;
    }
    IdentityService identity = engine.getIdentityService();
    if (identity.createUserQuery().userId(userId).count() == 0) {
      super.doFilter(request, response, chain);
      return;
    }
    List<String> groups = identity.createGroupQuery().groupMember(userId).list().stream().map(Group::getId).toList();
    List<String> tenants = identity.createTenantQuery().userMember(userId).includingGroupsOfUser(true).list().stream().map(Tenant::getId).toList();
    identity.setAuthentication(userId, groups, tenants);
    try {
      chain.doFilter(request, response);
    } finally {
      identity.clearAuthentication();
    }
  }

  /** The user the session is logged in as on this engine, or null. */
  private String sessionUser(HttpSession session) {
    if (session == null) {
      return null;
    }
    Authentications authentications = AuthenticationUtil.getAuthsFromSession(session);
    Authentication authentication = authentications == null ? null : authentications.getAuthenticationForProcessEngine(engine.getName());
    return authentication == null ? null : authentication.getIdentityId();
  }

  static boolean tokenMatches(HttpSession session, String header) {
    Object token = session == null ? null : session.getAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME);
    return token instanceof String expected && header != null && !header.isEmpty()
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
  }
}
