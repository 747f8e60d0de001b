package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Which paths pass without a login (the health, however spelled, and nothing else) and who counts as an administrator. */
class OperationsAccessTest {

  @Test
  void shouldLetTheHealthAndItsGroupsPassWithoutALogin() {
    assertThat(OperationsAccess.isHealth("/actuator/health")).isTrue();
    assertThat(OperationsAccess.isHealth("/actuator/health/readiness")).isTrue();
    assertThat(OperationsAccess.isHealth("/actuator/health/targets/xe")).isTrue();
  }

  @Test
  void shouldNotTakeAnotherEndpointForTheHealth() {
    assertThat(OperationsAccess.isHealth("/actuator/healthcheck")).isFalse();
    assertThat(OperationsAccess.isHealth("/actuator/prometheus")).isFalse();
    assertThat(OperationsAccess.isHealth("/actuator/health/../prometheus")).isFalse();
    assertThat(OperationsAccess.isHealth("/actuator")).isFalse();
    assertThat(OperationsAccess.isHealth("/v3/api-docs")).isFalse();
    assertThat(OperationsAccess.isHealth("/x/actuator/health")).isFalse();
  }

  @Test
  void shouldJudgeThePathAsTheApplicationMapsIt() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/health;x=1/../prometheus");
    request.setServletPath("/actuator/prometheus");
    assertThat(OperationsAccess.path(request)).isEqualTo("/actuator/prometheus");

    MockHttpServletRequest mapped = new MockHttpServletRequest("GET", "/actuator/health");
    mapped.setServletPath("/actuator");
    mapped.setPathInfo("/health");
    assertThat(OperationsAccess.path(mapped)).isEqualTo("/actuator/health");

    MockHttpServletRequest bare = new MockHttpServletRequest("GET", "/");
    bare.setServletPath(null);
    assertThat(OperationsAccess.path(bare)).isEmpty();
  }

  @Test
  void shouldCountOnlyMembersOfTheAdministratorsGroupAsAdministrators() {
    assertThat(OperationsAccess.isAdmin(new Authentication("adm", List.of(ReboundGroups.ADMINS)))).isTrue();
    assertThat(OperationsAccess.isAdmin(new Authentication("op", List.of(ReboundGroups.OPERATORS, ReboundGroups.APPROVERS)))).isFalse();
    assertThat(OperationsAccess.isAdmin(new Authentication("nobody", null))).isFalse();
    assertThat(OperationsAccess.isAdmin(null)).isFalse();
  }

  /** Logs in whoever sends a password, as the webapps' authentication does; refuses the rest with 401. */
  static final Filter LOGIN = (request, response, chain) -> {
    if (((HttpServletRequest) request).getHeader("Authorization") != null) {
      chain.doFilter(request, response);
    } else {
      ((HttpServletResponse) response).setStatus(401);
    }
  };

  /** The answer, and whether the request reached what the filter guards. */
  record Answer(MockHttpServletResponse response, boolean reached) {
    int status() {
      return response.getStatus();
    }
  }

  static Answer call(String path, Authentication user, boolean withPassword) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    request.setServletPath(path);
    if (withPassword) {
      request.addHeader("Authorization", "Basic x");
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    new OperationsAccess(LOGIN, () -> user).doFilter(request, response, chain);
    return new Answer(response, chain.getRequest() != null);
  }

  static final Authentication ADMIN = new Authentication("adm", List.of(ReboundGroups.ADMINS));
  static final Authentication OPERATOR = new Authentication("op", List.of(ReboundGroups.OPERATORS));

  @Test
  void shouldServeTheHealthWithoutAsking() throws Exception {
    Answer answer = call("/actuator/health/readiness", null, false);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.reached()).isTrue();
  }

  @Test
  void shouldAskForALoginEverywhereElse() throws Exception {
    for (String path : List.of("/actuator/prometheus", "/actuator", "/v3/api-docs", "/swagger-ui/index.html")) {
      Answer answer = call(path, null, false);
      assertThat(answer.status()).as(path).isEqualTo(401);
      assertThat(answer.reached()).as(path).isFalse();
    }
  }

  @Test
  void shouldKeepActuatorEndpointsForAdministratorsAndTheApiDocsForAnyoneLoggedIn() throws Exception {
    Answer refused = call("/actuator/prometheus", OPERATOR, true);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.response().getContentAsString()).contains("camunda-admin", "/actuator/prometheus");
    assertThat(refused.response().getContentType()).isEqualTo("application/json");
    assertThat(refused.reached()).isFalse();
    assertThat(call("/actuator", OPERATOR, true).status()).isEqualTo(403);

    Answer admin = call("/actuator/prometheus", ADMIN, true);
    assertThat(admin.status()).isEqualTo(200);
    assertThat(admin.reached()).isTrue();
    Answer docs = call("/v3/api-docs", OPERATOR, true);
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.reached()).isTrue();
  }

  @Test
  void shouldHandItsConfigurationAndItsEndToTheAuthentication() throws Exception {
    List<String> calls = new java.util.ArrayList<>();
    Filter authentication = new Filter() {
      @Override
      public void init(jakarta.servlet.FilterConfig config) {
        calls.add("init " + config.getInitParameter("authentication-provider"));
      }

      @Override
      public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response, jakarta.servlet.FilterChain chain) {}

      @Override
      public void destroy() {
        calls.add("destroy");
      }
    };
    org.springframework.mock.web.MockFilterConfig config = new org.springframework.mock.web.MockFilterConfig();
    config.addInitParameter("authentication-provider", "basic");
    OperationsAccess access = new OperationsAccess(authentication, () -> null);

    access.init(config);
    access.destroy();

    assertThat(calls).containsExactly("init basic", "destroy");
  }
}
