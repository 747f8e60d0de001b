package io.rebound.repair.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A replica file is read back exactly as written, and anything cut off, changed or malformed is refused whole. */
class ReplicaCodecTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Replica sample() {
    ObjectNode row = JSON.createObjectNode().put("id", 11).put("name", "Ada").put("city", "Paris");
    return new Replica("branch-17", 4, 120, 9, List.of(Replica.Change.upsert("shop.customers", 11, row), Replica.Change.delete("shop.orders", 21)));
  }

  static String text(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** A replica file with these lines, sealed with the right checksum: only the content is wrong. */
  static byte[] sealed(String... lines) throws IOException {
    String body = String.join("\n", lines) + "\n";
    return gzip(body + "{\"sha256\":\"" + ReplicaCodec.sha256(body) + "\"}\n");
  }

  static final String HEADER = "{\"format\":\"rebound-replica/1\",\"author\":\"ws1\",\"authorNo\":1,\"age\":0,\"streamNo\":0,\"changes\":1}";
  static final String UPSERT = "{\"table\":\"shop.customers\",\"op\":\"U\",\"key\":1,\"row\":{\"id\":1}}";

  @Test
  void shouldReadBackWhatItWrote() {
    Replica replica = sample();
    Replica read = ReplicaCodec.decode(ReplicaCodec.encode(replica), "test");
    assertThat(read).isEqualTo(replica);
    assertThat(read.changes().get(0).op()).isEqualTo('U');
    assertThat(read.changes().get(1).row()).isNull();
  }

  @Test
  void shouldWriteGzippedJsonLinesWithAHeaderAndAChecksumTrailer() throws IOException {
    String[] lines = text(ReplicaCodec.encode(sample())).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(JSON.readTree(lines[0]).get("changes").asInt()).isEqualTo(2);
    assertThat(JSON.readTree(lines[0]).get("streamNo").asLong()).isEqualTo(9);
    assertThat(JSON.readTree(lines[3]).get("sha256").asText()).hasSize(64);
  }

  @Test
  void shouldReadAReplicaWithoutChanges() {
    Replica empty = new Replica("ws1", 1, 0, 0, List.of());
    assertThat(ReplicaCodec.decode(ReplicaCodec.encode(empty), "test")).isEqualTo(empty);
  }

  @Test
  void shouldRefuseAFileCutOff() {
    byte[] whole = ReplicaCodec.encode(sample());
    assertThatThrownBy(() -> ReplicaCodec.decode(Arrays.copyOf(whole, whole.length - 10), "in/7"))
        .isInstanceOf(CorruptReplicaException.class).hasMessageContaining("in/7").hasMessageContaining("gzip");
  }

  @Test
  void shouldRefuseAFileWhoseLastLineDoesNotEnd() throws IOException {
    String text = text(ReplicaCodec.encode(sample()));
    assertThatThrownBy(() -> ReplicaCodec.decode(gzip(text.substring(0, text.length() - 1)), "x")).hasMessageContaining("cut off");
  }

  @Test
  void shouldRefuseAChangedRow() throws IOException {
    String text = text(ReplicaCodec.encode(sample())).replace("Paris", "Lyon!");
    assertThatThrownBy(() -> ReplicaCodec.decode(gzip(text), "x")).isInstanceOf(CorruptReplicaException.class)
        .hasMessageContaining("does not match its checksum");
  }

  @Test
  void shouldRefuseAFileWithoutItsTrailer() throws IOException {
    String text = text(ReplicaCodec.encode(sample()));
    String withoutTrailer = text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1);
    assertThatThrownBy(() -> ReplicaCodec.decode(gzip(withoutTrailer), "x")).isInstanceOf(CorruptReplicaException.class);
  }

  @Test
  void shouldRefuseMoreOrFewerChangesThanTheHeaderAnnounces() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT, UPSERT), "x")).hasMessageContaining("announces 1 changes and holds 2");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER), "x")).hasMessageContaining("announces 1 changes and holds 0");
    assertThat(ReplicaCodec.decode(sealed(HEADER, UPSERT), "x").changes()).hasSize(1);
  }

  @Test
  void shouldRefuseAnotherFormat() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("rebound-replica/1", "other/1"), UPSERT), "x"))
        .hasMessageContaining("not a replica of format");
  }

  @Test
  void shouldRefuseAHeaderWithoutAValidAuthor() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"ws1\"", "\"../etc\""), UPSERT), "x")).hasMessageContaining("author");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"author\":\"ws1\",", ""), UPSERT), "x")).hasMessageContaining("author");
  }

  @Test
  void shouldRefuseNumbersOutOfRange() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"authorNo\":1", "\"authorNo\":0"), UPSERT), "x"))
        .hasMessageContaining("authorNo must be a whole number of at least 1");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"age\":0", "\"age\":-1"), UPSERT), "x")).hasMessageContaining("age");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"streamNo\":0", "\"streamNo\":\"0\""), UPSERT), "x"))
        .hasMessageContaining("streamNo");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"streamNo\":0", "\"streamNo\":1.5"), UPSERT), "x"))
        .hasMessageContaining("streamNo");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER.replace("\"changes\":1", "\"changes\":99999999999999999999"), UPSERT), "x"))
        .hasMessageContaining("changes");
    assertThat(ReplicaCodec.decode(sealed(HEADER.replace("\"age\":0", "\"age\":5"), UPSERT), "x").age()).isEqualTo(5);
  }

  @Test
  void shouldRefuseChangesThatAreNotUpsertsOrDeletesByAWholeNumberKey() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("shop.customers", "customers; drop")), "x"))
        .hasMessageContaining("line 2 names no table");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("\"key\":1", "\"key\":\"1\"")), "x"))
        .hasMessageContaining("no whole-number key");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("\"key\":1", "\"key\":1.5")), "x"))
        .hasMessageContaining("no whole-number key");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace(",\"key\":1", "")), "x")).hasMessageContaining("key");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("\"U\"", "\"X\"")), "x")).hasMessageContaining("neither U nor D");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace(",\"row\":{\"id\":1}", "")), "x"))
        .hasMessageContaining("upserts without a row");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("{\"id\":1}", "[1]")), "x"))
        .hasMessageContaining("upserts without a row");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, UPSERT.replace("\"U\"", "\"D\"")), "x"))
        .hasMessageContaining("deletes and carries a row");
    Replica delete = ReplicaCodec.decode(sealed(HEADER, "{\"table\":\"shop.orders\",\"op\":\"D\",\"key\":7}"), "x");
    assertThat(delete.changes().get(0)).isEqualTo(Replica.Change.delete("shop.orders", 7));
  }

  @Test
  void shouldRefuseLinesThatAreNotJsonObjects() throws IOException {
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, "[1,2]"), "x")).hasMessageContaining("line 2 is not a JSON object");
    assertThatThrownBy(() -> ReplicaCodec.decode(sealed(HEADER, "{not json"), "x")).hasMessageContaining("line 2 is not JSON");
    assertThatThrownBy(() -> ReplicaCodec.decode(gzip("{\"a\":1}\n[1]\n"), "x")).hasMessageContaining("trailer is not a JSON object");
  }

  @Test
  void shouldNumberAReplicaInTheStreamWithoutChangingIt() {
    Replica streamed = sample().inStream(33);
    assertThat(streamed.streamNo()).isEqualTo(33);
    assertThat(streamed.changes()).isEqualTo(sample().changes());
    assertThat(streamed.authorNo()).isEqualTo(4);
  }
}
