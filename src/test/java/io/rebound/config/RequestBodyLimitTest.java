package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestBodyLimitTest {

  static final int LIMIT = 1024;
  final RequestBodyLimit limit = new RequestBodyLimit(LIMIT);

  @Test
  void shouldRefuseADeclaredLengthOverTheLimitWithoutReadingTheBody() throws Exception {
    MockHttpServletRequest request = declared(LIMIT + 1);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    limit.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(413);
    assertThat(response.getHeader("Connection")).isEqualTo("close");
    assertThat(response.getContentType()).startsWith("application/json");
    assertThat(response.getCharacterEncoding()).isEqualTo("UTF-8");
    assertThat(response.getContentAsString()).contains("\"status\":413").contains("larger than 1 KB")
        .contains("rebound.http.max-request-body");
    assertThat(chain.getRequest()).isNull();
    assertThat(request.getInputStream().read()).as("body left unread").isEqualTo('x');
  }

  @Test
  void shouldPassADeclaredLengthUpToTheLimitOnUntouched() throws Exception {
    for (int length : new int[] {0, 1, LIMIT}) {
      MockHttpServletRequest request = declared(length);
      MockFilterChain chain = new MockFilterChain();
      limit.doFilter(request, new MockHttpServletResponse(), chain);
      assertThat(chain.getRequest()).as("length %d", length).isSameAs(request);
    }
  }

  @Test
  void shouldPassOnWhatIsNotHttp() throws Exception {
    ServletRequest request = new ServletRequestWrapper(declared(10 * LIMIT));
    MockFilterChain chain = new MockFilterChain();

    limit.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isSameAs(request);
  }

  @Test
  void shouldRefuseABodyOfUnknownLengthOnceItPassesTheLimit() throws Exception {
    Chunked request = new Chunked(LIMIT + 1);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    limit.doFilter(request, response, chain);

    assertThat(response.getStatus()).isEqualTo(413);
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void shouldReadNoMoreThanOneBytePastTheLimit() throws Exception {
    Chunked request = new Chunked(10 * LIMIT);

    limit.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());

    assertThat(request.remaining()).isEqualTo(10 * LIMIT - LIMIT - 1);
  }

  @Test
  void shouldHandOnABodyOfUnknownLengthWithinTheLimitFromItsBuffer() throws Exception {
    Chunked request = new Chunked(LIMIT);
    MockFilterChain chain = new MockFilterChain();

    limit.doFilter(request, new MockHttpServletResponse(), chain);

    ServletRequest passed = chain.getRequest();
    assertThat(passed).isInstanceOf(RequestBodyLimit.BufferedBody.class);
    assertThat(passed.getContentLength()).isEqualTo(LIMIT);
    assertThat(passed.getContentLengthLong()).isEqualTo(LIMIT);
    assertThat(passed.getInputStream().readAllBytes()).isEqualTo(request.body);
    assertThat(passed.getInputStream().readAllBytes()).as("read again from the start").isEqualTo(request.body);
  }

  @Test
  void shouldHandOnAnEmptyBodyOfUnknownLengthAsItCame() throws Exception {
    Chunked request = new Chunked(0);
    MockFilterChain chain = new MockFilterChain();

    limit.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isSameAs(request);
  }

  @Test
  void shouldOfferTheBufferedBodyAsAServletStream() throws Exception {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    ServletInputStream in = new RequestBodyLimit.BufferedBody(new MockHttpServletRequest(), body).getInputStream();
    assertThat(in.isReady()).isTrue();
    assertThat(in.isFinished()).isFalse();
    assertThat(in.read()).isEqualTo('{');
    byte[] rest = new byte[10];
    assertThat(in.read(rest, 0, 10)).isEqualTo(body.length - 1);
    assertThat(in.isFinished()).isTrue();
    assertThat(in.read()).isEqualTo(-1);

    List<String> calls = new ArrayList<>();
    new RequestBodyLimit.BufferedBody(new MockHttpServletRequest(), body).getInputStream().setReadListener(new ReadListener() {
      @Override
      public void onDataAvailable() {
        calls.add("data");
      }

      @Override
      public void onAllDataRead() {
        calls.add("all");
      }

      @Override
      public void onError(Throwable t) {
        calls.add("error");
      }
    });
    assertThat(calls).containsExactly("data", "all");
  }

  @Test
  void shouldTellAReadListenerOfItsOwnFailure() throws Exception {
    List<Throwable> errors = new ArrayList<>();
    new RequestBodyLimit.BufferedBody(new MockHttpServletRequest(), new byte[1]).getInputStream().setReadListener(new ReadListener() {
      @Override
      public void onDataAvailable() throws IOException {
        throw new IOException("listener failed");
      }

      @Override
      public void onAllDataRead() {}

      @Override
      public void onError(Throwable t) {
        errors.add(t);
      }
    });
    assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("listener failed");
  }

  @Test
  void shouldReadTheBufferedBodyAsTextInItsEncoding() throws Exception {
    byte[] utf8 = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.setCharacterEncoding("UTF-8");
    assertThat(new RequestBodyLimit.BufferedBody(request, utf8).getReader().readLine()).isEqualTo("{\"name\":\"Zoë\"}");

    byte[] latin1 = "Zoë".getBytes(StandardCharsets.ISO_8859_1);
    MockHttpServletRequest unspecified = new MockHttpServletRequest();
    unspecified.setCharacterEncoding(null);
    assertThat(new RequestBodyLimit.BufferedBody(unspecified, latin1).getReader().readLine()).isEqualTo("Zoë");
  }

  @Test
  void shouldReadAtMostTheGivenNumberOfBytes() throws Exception {
    byte[] body = new byte[20_000];
    Arrays.fill(body, (byte) 'x');
    assertThat(RequestBodyLimit.readAtMost(new ByteArrayInputStream(body), 10_001)).hasSize(10_001);
    assertThat(RequestBodyLimit.readAtMost(new ByteArrayInputStream(body), 30_000)).hasSize(20_000);
    assertThat(RequestBodyLimit.readAtMost(new ByteArrayInputStream(body), 0)).isEmpty();
  }

  @Test
  void shouldNameTheLimitInUnitsAPersonReads() {
    assertThat(RequestBodyLimit.message(1024 * 1024)).isEqualTo(
        "the request body is larger than 1 MB, the limit set by rebound.http.max-request-body");
    assertThat(RequestBodyLimit.size(3L * 1024 * 1024)).isEqualTo("3 MB");
    assertThat(RequestBodyLimit.size(512 * 1024)).isEqualTo("512 KB");
    assertThat(RequestBodyLimit.size(1024 * 1024 + 1024)).isEqualTo("1025 KB");
    assertThat(RequestBodyLimit.size(1000)).isEqualTo("1000 bytes");
    assertThat(RequestBodyLimit.size(1)).isEqualTo("1 bytes");
  }

  @Test
  void shouldRefuseALimitThatIsNotPositive() {
    assertThatThrownBy(() -> new RequestBodyLimit(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rebound.http.max-request-body");
    assertThatThrownBy(() -> new RequestBodyLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new RequestBodyLimit(1)).isNotNull();
  }

  private static MockHttpServletRequest declared(int length) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/schema-restores");
    byte[] body = new byte[length];
    Arrays.fill(body, (byte) 'x');
    request.setContent(body);
    return request;
  }

  /** A request whose body has no declared length, as a chunked one. */
  static class Chunked extends MockHttpServletRequest {

    final byte[] body;
    final ByteArrayInputStream in;

    Chunked(int length) {
      super("POST", "/api/schema-restores");
      body = new byte[length];
      for (int i = 0; i < length; i++) {
        body[i] = (byte) ('a' + i % 26);
      }
      in = new ByteArrayInputStream(body);
    }

    int remaining() {
      return in.available();
    }

    @Override
    public long getContentLengthLong() {
      return -1;
    }

    @Override
    public int getContentLength() {
      return -1;
    }

    @Override
    public ServletInputStream getInputStream() {
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {}
      };
    }
  }
}
