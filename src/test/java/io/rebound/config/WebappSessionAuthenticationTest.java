package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.camunda.bpm.webapp.impl.security.filter.util.CsrfConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterConfig;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

/**
 * The session path of {@code /api}'s authentication on a real engine: who a session makes the engine's current user
 * (groups and tenants looked up afresh), which changes need the webapps' CSRF token, and what a page's script without
 * a login is told.
 */
class WebappSessionAuthenticationTest {

  static final String TOKEN = "the-sessions-token";

  static ProcessEngine engine;
  static WebappSessionAuthentication filter;

  @BeforeAll
  static void engine() throws Exception {
    StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:session-auth-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setDatabaseSchemaUpdate("true");
    configuration.setJobExecutorActivate(false);
    configuration.setGroupResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9_-]*");
    configuration.setProcessEngineName("session-auth-" + UUID.randomUUID());
    engine = configuration.buildProcessEngine();
    IdentityService identity = engine.getIdentityService();
    User op = identity.newUser("op");
    op.setPassword("Op-Password-1");
    identity.saveUser(op);
    Group operators = identity.newGroup("rebound-operators");
    identity.saveGroup(operators);
    identity.createMembership("op", "rebound-operators");
    Tenant tenant = identity.newTenant("t1");
    identity.saveTenant(tenant);
    identity.createTenantUserMembership("t1", "op");
    filter = new WebappSessionAuthentication(engine);
    MockFilterConfig config = new MockFilterConfig();
    config.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM, HttpBasicAuthenticationProvider.class.getName());
    filter.init(config);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  /** Remembers whether the request got through and as whom the engine saw it. */
  static final class Chain implements FilterChain {
    final List<Authentication> seen = new ArrayList<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) {
      seen.add(engine.getIdentityService().getCurrentAuthentication());
    }
  }

  @Test
  void shouldMakeTheSessionsUserTheEnginesCurrentUserWithGroupsAndTenantsLookedUpAfresh() throws Exception {
    Chain chain = new Chain();
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(request("GET", "op", null), response, chain);

    assertThat(chain.seen).hasSize(1);
    assertThat(chain.seen.get(0).getUserId()).isEqualTo("op");
    assertThat(chain.seen.get(0).getGroupIds()).containsExactly("rebound-operators");
    assertThat(chain.seen.get(0).getTenantIds()).containsExactly("t1");
    assertThat(engine.getIdentityService().getCurrentAuthentication()).as("cleared after the request").isNull();
  }

  @Test
  void shouldLetAChangeThroughOnlyWithTheSessionsCsrfToken() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      Chain refused = new Chain();
      MockHttpServletResponse noToken = new MockHttpServletResponse();
      filter.doFilter(request(method, "op", null), noToken, refused);
      MockHttpServletResponse wrongToken = new MockHttpServletResponse();
      filter.doFilter(request(method, "op", "another-token"), wrongToken, refused);
      MockHttpServletResponse emptyToken = new MockHttpServletResponse();
      filter.doFilter(request(method, "op", ""), emptyToken, refused);

      assertThat(refused.seen).as(method).isEmpty();
      for (MockHttpServletResponse answer : List.of(noToken, wrongToken, emptyToken)) {
        assertThat(answer.getStatus()).as(method).isEqualTo(403);
        assertThat(answer.getContentAsString()).contains("X-XSRF-TOKEN");
        assertThat(answer.getContentType()).isEqualTo("application/json");
      }

      Chain allowed = new Chain();
      filter.doFilter(request(method, "op", TOKEN), new MockHttpServletResponse(), allowed);
      assertThat(allowed.seen).as(method).extracting(Authentication::getUserId).containsExactly("op");
    }
    for (String read : List.of("GET", "HEAD", "OPTIONS")) {
      Chain chain = new Chain();
      filter.doFilter(request(read, "op", null), new MockHttpServletResponse(), chain);
      assertThat(chain.seen).as(read).extracting(Authentication::getUserId).containsExactly("op");
    }
  }

  @Test
  void shouldTellAPagesScriptWithoutALoginToLogInWithoutMakingTheBrowserPrompt() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/me");
    request.addHeader("X-Requested-With", "XMLHttpRequest");
    MockHttpServletResponse response = new MockHttpServletResponse();
    Chain chain = new Chain();

    filter.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isNull();
    assertThat(response.getContentType()).isEqualTo("application/json");
    assertThat(response.getContentAsString()).contains("log in first");
    assertThat(chain.seen).isEmpty();
  }

  @Test
  void shouldNotTakeASessionWhoseUserNoLongerExistsOrARequestThatCarriesCredentials() throws Exception {
    Chain chain = new Chain();
    MockHttpServletResponse removed = new MockHttpServletResponse();
    filter.doFilter(request("GET", "removed-user", null), removed, chain);
    assertThat(removed.getStatus()).isGreaterThanOrEqualTo(400);
    MockHttpServletRequest withHeader = request("GET", "op", null);
    withHeader.addHeader("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("op:wrong".getBytes()));
    MockHttpServletResponse answer = new MockHttpServletResponse();
    filter.doFilter(withHeader, answer, chain);

    // Judged by basic authentication instead, which these requests do not pass.
    assertThat(chain.seen).isEmpty();
    assertThat(answer.getStatus()).isGreaterThanOrEqualTo(400);
    assertThat(engine.getIdentityService().getCurrentAuthentication()).isNull();
  }

  @Test
  void shouldCompareTheTokenWithTheSessionsOwn() {
    MockHttpSession session = new MockHttpSession();
    assertThat(WebappSessionAuthentication.tokenMatches(null, TOKEN)).isFalse();
    assertThat(WebappSessionAuthentication.tokenMatches(session, TOKEN)).as("a session without a token").isFalse();
    session.setAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME, TOKEN);
    assertThat(WebappSessionAuthentication.tokenMatches(session, null)).isFalse();
    assertThat(WebappSessionAuthentication.tokenMatches(session, "")).isFalse();
    assertThat(WebappSessionAuthentication.tokenMatches(session, TOKEN + "x")).isFalse();
    assertThat(WebappSessionAuthentication.tokenMatches(session, TOKEN.toUpperCase())).isFalse();
    assertThat(WebappSessionAuthentication.tokenMatches(session, TOKEN)).isTrue();
    session.setAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME, 42);
    assertThat(WebappSessionAuthentication.tokenMatches(session, "42")).as("a token that is no text").isFalse();
  }

  private static MockHttpServletRequest request(String method, String sessionUser, String token) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/runs");
    MockHttpSession session = new MockHttpSession();
    Authentications authentications = new Authentications();
    authentications.addOrReplace(new UserAuthentication(sessionUser, engine.getName()));
    AuthenticationUtil.updateSession(session, authentications);
    session.setAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME, TOKEN);
    request.setSession(session);
    if (token != null) {
      request.addHeader(CsrfConstants.CSRF_TOKEN_HEADER_NAME, token);
    }
    return request;
  }
}
