package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTP layer's limits, over a real socket: a body over {@code rebound.http.max-request-body} (1 MB by
 * default) is refused with 413 before it is read, declared or chunked, and starts nothing; a body that is not
 * JSON of the expected shape is a 400 with a reason, never a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RequestLimitsIT {

  static final PostgresServers servers = new PostgresServers();
  static final int MB = 1024 * 1024;
  static final String RESTORE = "{\"target\":\"it\",\"profile\":\"winstore\",\"dumpFile\":\"winstore_full_backup.dump\"}";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @LocalServerPort int port;

  @BeforeEach
  void users() {
    TestUsers.create(identity);
  }

  @Test
  void shouldRefuseADeclaredBodyOverTheLimitOnItsHeadersAlone() throws IOException {
    long before = runs();
    // 150 MB declared, a few bytes sent: the answer comes without the rest of the body.
    Raw answer = raw("POST", "/api/schema-restores", "Content-Length: " + 150L * MB, RESTORE.getBytes(StandardCharsets.UTF_8), false);
    assertThat(answer.status()).as(answer.text()).isEqualTo(413);
    assertThat(answer.text()).contains("rebound.http.max-request-body").contains("1 MB");
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void shouldRefuseAChunkedBodyOverTheLimit() throws IOException {
    long before = runs();
    Raw answer = raw("POST", "/api/schema-restores", "Transfer-Encoding: chunked", padded(RESTORE, MB + 16 * 1024), true);
    assertThat(answer.status()).as(answer.text()).isEqualTo(413);
    assertThat(answer.text()).contains("rebound.http.max-request-body");
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void shouldRefuseABodyOverTheLimitOnTheEngineRestApi() throws IOException {
    long before = runs();
    byte[] body = padded("{}", 2 * MB);
    assertThat(raw("POST", "/engine-rest/process-definition/key/schema-restore/start", "Content-Length: " + body.length, body, false).status())
        .isEqualTo(413);
    assertThat(raw("POST", "/engine-rest/process-definition/key/schema-restore/start", "Transfer-Encoding: chunked", body, true).status())
        .isEqualTo(413);
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void shouldTakeABodyUnderTheLimitDeclaredOrChunked() throws IOException {
    long before = runs();
    byte[] body = padded(RESTORE, MB - 1024);
    Raw declared = raw("POST", "/api/schema-restores", "Content-Length: " + body.length, body, false);
    assertThat(declared.status()).as(declared.text()).isEqualTo(201);
    Raw chunked = raw("POST", "/api/schema-restores", "Transfer-Encoding: chunked", body, true);
    assertThat(chunked.status()).as(chunked.text()).isEqualTo(201);
    assertThat(runs()).isEqualTo(before + 2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/schema-restores              | [1, 2]                                                      | the request body must be an object",
      "/api/schema-restores              | {\"target\": \"it\", \"profile\":                              | ends before its JSON is complete",
      "/api/schema-restores              | not json                                                    | not valid JSON (line 1, column",
      "/api/schema-restores              | {\"target\": \"it\"} trailing                                | not valid JSON",
      "/api/schema-restores              | {\"target\": \"it\"} {\"target\": \"x\"}                       | more after its JSON value",
      "/api/schema-restores              | {\"target\": {\"x\": 1}, \"profile\": \"winstore\", \"dumpFile\": \"a.dump\"} | must be text",
      "/api/comparisons                  | [\"it\"]                                                    | the request body must be an object",
      "/api/comparisons                  | {\"source\": \"it\", \"destination\": \"ref\", \"tables\": [{\"name\": {\"x\": 1}}]} | name must be the table's name as schema.table",
      "/api/comparisons                  | {\"source\": \"it\", \"destination\": \"ref\", \"tables\": [{\"name\": \"a.b\", \"chunkSize\": \"many\"}]} | chunkSize of a.b must be a whole number",
      "/api/comparisons                  | {\"source\": \"it\", \"destination\": \"ref\", \"tables\": [{\"name\": \"a.b\", \"chunkSize\": 99999999999999999999}]} | chunkSize of a.b must be between 100 and 1000000",
      "/api/comparisons                  | {\"source\": \"it\", \"destination\": \"ref\", \"tables\": [{\"name\": \"a.b\", \"columns\": \"x\"}], \"x\": } | not valid JSON",
      "/api/recoveries/some-run/approval | {\"approved\": \"maybe\"}                                     | 'approved' must be true or false",
      "/api/recoveries/some-run/approval | {\"approved\": 99999999999999999999}                          | 'approved' must be true or false",
      "/api/recoveries/some-run/approval | {\"approved\": 1}                                           | 'approved' must be true or false",
      "/api/recoveries/some-run/approval | {\"approved\": true, \"comment\": {\"x\": 1}}                   | 'comment' must be text",
      "/api/recoveries/some-run/approval | [true]                                                      | the request body must be an object",
      "/api/recoveries/some-run/approval | {\"approved\": tru                                           | JSON",
      "/api/recoveries/some-run/approval | {\"approved\": true                                          | ends before its JSON is complete",
      "/api/recoveries/some-run/approval | ''                                                          | a JSON body is required",
  })
  void shouldAnswer400ToABodyThatIsNotJsonOfTheExpectedShape(String path, String body, String reason) {
    long before = runs();
    Http.Answer answer = new Http(port).post(path, TestUsers.BOTH, TestUsers.PASSWORD, body);
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).contains(reason);
    assertThat(runs()).isEqualTo(before);
  }

  @Test
  void shouldAnswer400ToANumberOrANestingTooLargeForJson() {
    Http http = new Http(port);
    String longNumber = "{\"approved\": " + "9".repeat(2000) + "}";
    String deep = "{\"target\": " + "[".repeat(3000) + "]".repeat(3000) + "}";
    for (String[] call : new String[][] {{"/api/recoveries/some-run/approval", longNumber}, {"/api/schema-restores", deep},
        {"/api/comparisons", deep}}) {
      Http.Answer answer = http.post(call[0], TestUsers.BOTH, TestUsers.PASSWORD, call[1]);
      assertThat(answer.status()).as(answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).contains("larger than a request may hold");
    }
  }

  private long runs() {
    return history.createHistoricProcessInstanceQuery().count();
  }

  /** A JSON body padded with spaces after its last brace, to the given size: valid JSON of that size. */
  private static byte[] padded(String json, int size) {
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) ' ');
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, body, 0, text.length);
    return body;
  }

  record Raw(int status, String text) {}

  /**
   * One request over a plain socket, so that the body is sent exactly as declared: either a Content-Length
   * header and as much of the body as given (possibly less than declared), or chunked.
   */
  private Raw raw(String method, String path, String framing, byte[] body, boolean chunked) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String credentials = Base64.getEncoder().encodeToString((TestUsers.OPERATOR + ":" + TestUsers.PASSWORD).getBytes(StandardCharsets.UTF_8));
      String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Basic "
          + credentials + "\r\n" + framing + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      try {
        if (chunked) {
          for (int offset = 0; offset < body.length; offset += 64 * 1024) {
            int length = Math.min(64 * 1024, body.length - offset);
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(body);
        }
        out.flush();
      } catch (IOException closedEarly) {
        // The server may answer and close before it has taken the whole body; the answer is still there to read.
      }
      return read(socket.getInputStream());
    }
  }

  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    List<String> lines = List.of(headers.split("\r\n"));
    int status = Integer.parseInt(lines.get(0).split(" ")[1]);
    String text = headers + new String(readBody(in, lines), StandardCharsets.UTF_8);
    return new Raw(status, text);
  }

  private static byte[] readBody(InputStream in, List<String> headers) throws IOException {
    for (String header : headers) {
      if (header.toLowerCase().startsWith("content-length:")) {
        return in.readNBytes(Integer.parseInt(header.substring("content-length:".length()).strip()));
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean chunked = headers.stream().anyMatch(h -> h.toLowerCase().startsWith("transfer-encoding:") && h.toLowerCase().contains("chunked"));
    if (!chunked) {
      in.transferTo(body);
      return body.toByteArray();
    }
    while (true) {
      String size = line(in);
      int length = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (length == 0) {
        line(in);
        return body.toByteArray();
      }
      body.write(in.readNBytes(length));
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
