package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.junit.jupiter.params.provider.CsvSource;

class CrossSiteChangesTest {

  @ParameterizedTest(name = "{0} Sec-Fetch-Site={1} Origin={2} Host={3} refused={4}")
  @CsvSource(nullValues = "-", value = {
      // Marked by the browser: another site, a sibling site, in any case and spacing.
      "POST, cross-site, -, rebound:8080, true",
      "POST, same-site, -, rebound:8080, true",
      "DELETE, Cross-Site, -, rebound:8080, true",
      "PUT, ' cross-site ', -, rebound:8080, true",
      "POST, same-origin, -, rebound:8080, false",
      "POST, none, -, rebound:8080, false",
      // The mark wins over Origin when both come.
      "POST, same-origin, https://elsewhere.example, rebound:8080, false",
      "POST, cross-site, http://rebound:8080, rebound:8080, true",
      // Reads go on whatever they carry.
      "GET, cross-site, https://elsewhere.example, rebound:8080, false",
      "head, cross-site, -, rebound:8080, false",
      "OPTIONS, cross-site, -, rebound:8080, false",
      // Unmarked: Origin against Host.
      "POST, -, https://elsewhere.example, rebound:8080, true",
      "POST, -, http://rebound:8080, rebound:8080, false",
      "POST, -, http://REBOUND:8080, rebound:8080, false",
      "POST, -, http://rebound:8081, rebound:8080, true",
      "POST, -, http://rebound.evil:8080, rebound:8080, true",
      "POST, -, https://rebound, rebound, false",
      "POST, -, https://rebound, rebound:443, false",
      "POST, -, http://rebound, rebound:80, false",
      "POST, -, http://rebound, rebound:443, true",
      "POST, -, https://rebound:443, rebound, false",
      "POST, -, null, rebound:8080, true",
      "POST, -, not a uri, rebound:8080, true",
      "POST, -, rebound:8080, rebound:8080, true",
      "POST, -, https://elsewhere.example, -, true",
      "POST, -, http://rebound:80, rebound, false",
      "POST, -, https://rebound:8443, rebound, true",
      "POST, -, http://rebound:8080, rebound:x, true",
      "POST, -, http://rebound:8080, rebound:, true",
      "POST, -, http://[::1]:8080, [::1]:8080, false",
      "POST, -, http://[::1], [::1], false",
      "POST, -, http://[::1]:8080, [::1], true",
      "POST, -, http://[::2]:8080, [::1]:8080, true",
      "POST, -, ftp://rebound, rebound, false",
      "POST, -, ftp://rebound:21, rebound, true",
      // Unmarked and without Origin: a client that is no browser.
      "POST, -, -, rebound:8080, false",
      "PATCH, -, -, -, false",
  })
  void shouldRefuseOnlyChangesThatAPageOfAnotherSiteMade(String method, String fetchSite, String origin, String host, boolean refused) {
    assertThat(CrossSiteChanges.refused(method, fetchSite, origin, host)).isEqualTo(refused);
  }

  @Test
  void shouldAnswerARefusedChangeWith403AndItsReasonAndPassEverythingElseOn() throws Exception {
    CrossSiteChanges filter = new CrossSiteChanges();
    MockHttpServletRequest refused = new MockHttpServletRequest("POST", "/engine-rest/task/1/claim");
    refused.addHeader("Sec-Fetch-Site", "cross-site");
    MockHttpServletResponse answer = new MockHttpServletResponse();
    MockFilterChain untouched = new MockFilterChain();

    filter.doFilter(refused, answer, untouched);

    assertThat(answer.getStatus()).isEqualTo(403);
    assertThat(answer.getContentType()).isEqualTo("application/json");
    assertThat(answer.getContentAsString()).contains("\"status\":403", "another site");
    assertThat(untouched.getRequest()).as("the chain never ran").isNull();

    MockHttpServletRequest own = new MockHttpServletRequest("POST", "/engine-rest/task/1/claim");
    own.addHeader("Sec-Fetch-Site", "same-origin");
    MockHttpServletResponse passed = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    filter.doFilter(own, passed, chain);
    assertThat(chain.getRequest()).isSameAs(own);
    assertThat(passed.getStatus()).isEqualTo(200);
    assertThat(passed.getContentAsString()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {"-", "GET"})
  void shouldLetARequestWithoutAChangingMethodGoOn(String method) {
    assertThat(CrossSiteChanges.refused(method, "cross-site", "https://elsewhere.example", "rebound")).isFalse();
  }
}
