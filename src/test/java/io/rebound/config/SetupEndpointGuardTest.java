package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class SetupEndpointGuardTest {

  final SetupEndpointGuard guard = new SetupEndpointGuard();

  @ParameterizedTest
  @ValueSource(strings = {
      "/camunda/api/admin/setup/default/user/create",
      "/camunda/api/admin/setup/other-engine/user/create",
      "/camunda/api/admin/setup",
      "/camunda/api/admin/setup/",
      "/webapps/api/admin/setup/default/user/create",
      "/api/admin/setup/default/user/create",
      "/camunda/api/admin/setup/default/user/create;jsessionid=AB12",
      "/camunda/api/admin/setup;x=1/default/user/create",
      "/camunda/api/admin//setup/default/user/create",
      "/camunda/api/admin/./setup/default/user/create",
      "/camunda/api/admin/auth/../setup/default/user/create",
      "/camunda/api/admin/auth/user/../../setup/default/user/create",
      "/camunda/api/admin/%73etup/default/user/create",
      "/camunda/api/admin/%2573etup/default/user/create",
      "/camunda/api/admin/%252573etup/default/user/create",
      "/camunda/api/admin%2Fsetup/default/user/create",
      "/camunda/API/Admin/SETUP/default/user/create",
      "\\camunda\\api\\admin\\setup\\default\\user\\create",
      "%2Fapi%2Fadmin%2Fsetup",
      "/camunda/api/admin/;x=1/setup/default/user/create",
      "/camunda/api/admin/setup/%zz",
  })
  void shouldRecogniseTheSetupResourceHoweverSpelled(String path) {
    assertThat(SetupEndpointGuard.isSetupPath(path)).isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {
      "",
      "/",
      "/camunda/api/admin/auth/user/default",
      "/camunda/api/admin/auth/user/default/login/admin",
      "/camunda/api/admin/setupx/default/user/create",
      "/camunda/api/admin/xsetup/default/user/create",
      "/camunda/api/admin/setup/../auth/user/default",
      "/camunda/api/setup/default/user/create",
      "/camunda/admin/setup/default/user/create",
      "/camunda/api/cockpit/setup/default",
      "/camunda/app/admin/default/setup/",
      "/api/recoveries/setup",
      "/engine-rest/user/create",
      "/camunda/api/admin/%zz/setup",
      "/camunda/api/admin/%7",
      "/camunda/api/%%61dmin/setup",
  })
  void shouldLeaveEveryOtherPathAlone(String path) {
    assertThat(SetupEndpointGuard.isSetupPath(path)).isFalse();
  }

  @Test
  void shouldStopDecodingAfterThreeRounds() {
    assertThat(SetupEndpointGuard.isSetupPath("/camunda/api/admin/%25252573etup/default")).isFalse();
  }

  @Test
  void shouldRefuseTheSetupRequestWithoutPassingItOn() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/camunda/api/admin/setup/default/user/create");
    request.setServletPath("/camunda/api/admin");
    request.setPathInfo("/setup/default/user/create");
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(response.getContentType()).startsWith("application/json");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(response.getCharacterEncoding()).isEqualTo("UTF-8");
    assertThat(response.getContentAsString()).contains("\"status\":403").contains("rebound.admin.username");
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void shouldRefuseWhenOnlyTheNormalisedPathNamesTheSetupResource() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/camunda/api/admin/unrelated");
    request.setServletPath("/camunda/api/admin");
    request.setPathInfo("/setup/default/user/create");
    MockHttpServletResponse response = new MockHttpServletResponse();

    guard.doFilter(request, response, new MockFilterChain());

    assertThat(response.getStatus()).isEqualTo(403);
  }

  @Test
  void shouldRefuseWhenOnlyTheRawPathNamesTheSetupResource() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/camunda/api/admin/%73etup/default/user/create");
    request.setServletPath("/camunda/api/admin");
    MockHttpServletResponse response = new MockHttpServletResponse();

    guard.doFilter(request, response, new MockFilterChain());

    assertThat(response.getStatus()).isEqualTo(403);
  }

  @Test
  void shouldPassEveryOtherRequestOn() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/camunda/api/admin/auth/user/default/login/admin");
    request.setServletPath("/camunda/api/admin");
    request.setPathInfo("/auth/user/default/login/admin");
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(request, response, chain);

    assertThat(chain.getRequest()).isSameAs(request);
    assertThat(response.getStatus()).isEqualTo(200);
  }
}
