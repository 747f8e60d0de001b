package io.rebound.config;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request body larger than {@code rebound.http.max-request-body} with 413, before anything reads it.
 * A declared {@code Content-Length} over the limit is refused on the headers alone. A body of unknown length
 * (chunked) is read up to one byte past the limit, so memory holds at most the limit per request, and is
 * refused there or handed on from that buffer: the application never sees a body over the limit, whatever it
 * would have started with it.
 *
 * <p>A buffered body is handed on as the input stream only: form parameters of a chunked form post would be
 * lost, and neither Rebound's API nor the engine's REST API takes any.
 */
final class RequestBodyLimit implements Filter {

  private final long maxBytes;

  RequestBodyLimit(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("rebound.http.max-request-body must be positive, not " + maxBytes + " bytes");
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
      chain.doFilter(request, response);
      return;
    }
    long declared = http.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(answer);
      return;
    }
    if (declared != -1) {
      // Known: the container never hands on more than the declared length.
      chain.doFilter(request, response);
      return;
    }
    byte[] body = readAtMost(http.getInputStream(), maxBytes + 1);
    if (body.length > maxBytes) {
      refuse(answer);
      return;
    }
    chain.doFilter(body.length == 0 ? request : new BufferedBody(http, body), response);
  }

  private void refuse(HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
    // The rest of the body is not read: the connection cannot carry another request after it.
    response.setHeader("Connection", "close");
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write("{\"status\":413,\"error\":\"Payload Too Large\",\"message\":\"" + message(maxBytes) + "\"}");
  }

  static String message(long maxBytes) {
    return "the request body is larger than " + size(maxBytes) + ", the limit set by rebound.http.max-request-body";
  }

  static String size(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MB";
    }
    if (bytes % 1024 == 0) {
      return bytes / 1024 + " KB";
    }
    return bytes + " bytes";
  }

  static byte[] readAtMost(InputStream in, long limit) throws IOException {
    // Reads in small steps until the end or the limit, without allocating the limit up front.
    return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE));
  }

  /** The request with its body read already, within the limit. */
  static final class BufferedBody extends HttpServletRequestWrapper {

    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
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
        public void setReadListener(ReadListener listener) {
          try {
            listener.onDataAvailable();
            listener.onAllDataRead();
          } catch (IOException e) {
            listener.onError(e);
          }
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }
}
