package io.rebound.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.target.Dialect;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

  private static final String DIRECTORY = "rebound/backups/orders/2026/11/30/20261130T010000Z-full/";
  private static final String KEY = DIRECTORY + "manifest.json";
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static BackupManifest full() {
    return new BackupManifest("20261130T010000Z-full", "orders", Dialect.POSTGRESQL, BackupType.FULL, null, 3, "7301188211537469442",
        Instant.parse("2026-11-30T01:00:00Z"), Instant.parse("2026-11-30T01:20:00Z"), "16/B374D848", "16/C0000000",
        List.of(new Piece("base.tar", DIRECTORY + "base.tar", 123456789L, SHA), new Piece("backup_label", DIRECTORY + "backup_label", 240, SHA)));
  }

  private static String json(Manifest manifest) {
    return new String(ManifestJson.write(manifest), StandardCharsets.UTF_8);
  }

  private static Manifest read(String json) {
    return ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), KEY);
  }

  @Test
  void shouldReadBackWhatItWrites() {
    assertThat(read(json(full()))).isEqualTo(full());
    String text = json(full());
    assertThat(text).contains("\"kind\" : \"backup\"", "\"type\" : \"FULL\"", "\"startPosition\" : \"16/B374D848\"", "\"timeline\" : 3",
        "\"sha256\" : \"" + SHA + "\"", "\"databaseIdentity\" : \"7301188211537469442\"");
  }

  @Test
  void shouldReadBackALogBatch() {
    String directory = "rebound/backups/orders/logs/2026/11/30/wal-1/";
    LogManifest batch = new LogManifest("wal-1", "orders", Dialect.ORACLE, 2, "1234567", Instant.parse("2026-11-30T01:00:00Z"),
        Instant.parse("2026-11-30T01:05:00Z"), "9000", "10000", List.of(new Piece("arch_1_42.arc", directory + "arch_1_42.arc", 5, SHA)));

    assertThat(ManifestJson.read(ManifestJson.write(batch), directory + "manifest.json")).isEqualTo(batch);
  }

  private static final String WAL = "rebound/backups/orders/logs/2026/11/30/logs-1/";
  private static final String SEGMENT_3 = "000000010000000000000003";
  private static final String SEGMENT_4 = "000000010000000000000004";

  private static LogManifest walBatch(java.util.Map<String, Instant> ends) {
    return new LogManifest("logs-1", "orders", Dialect.POSTGRESQL, 1, "7301188211537469442", Instant.parse("2026-11-30T01:00:00Z"),
        Instant.parse("2026-11-30T01:05:00Z"), "0/3000000", "0/5000000",
        List.of(new Piece(SEGMENT_3, WAL + SEGMENT_3, 16777216, SHA), new Piece(SEGMENT_4, WAL + SEGMENT_4, 16777216, SHA)), ends);
  }

  @Test
  void shouldReadBackTheTransactionEndsOfALogBatchAndReadOlderBatchesWithout() {
    LogManifest batch = walBatch(java.util.Map.of(SEGMENT_4, Instant.parse("2026-11-30T01:05:00Z"),
        SEGMENT_3, Instant.parse("2026-11-30T01:00:00.123456Z")));
    String text = new String(ManifestJson.write(batch), StandardCharsets.UTF_8);

    assertThat(ManifestJson.read(text.getBytes(StandardCharsets.UTF_8), WAL + "manifest.json")).isEqualTo(batch);
    assertThat(text).contains("\"transactionEnds\" : {", "\"" + SEGMENT_3 + "\" : \"2026-11-30T01:00:00.123456Z\"");
    assertThat(text.indexOf(SEGMENT_3 + "\" : \"2026")).as("in segment order").isLessThan(text.indexOf(SEGMENT_4 + "\" : \"2026"));
    String older = new String(ManifestJson.write(walBatch(java.util.Map.of())), StandardCharsets.UTF_8);
    assertThat(older).doesNotContain("transactionEnds");
    assertThat(((LogManifest) ManifestJson.read(older.getBytes(StandardCharsets.UTF_8), WAL + "manifest.json")).transactionEnds()).isEmpty();
  }

  @Test
  void shouldRefuseTransactionEndsThatDoNotFitTheBatch() {
    String key = WAL + "manifest.json";
    String good = new String(ManifestJson.write(walBatch(java.util.Map.of(SEGMENT_3, Instant.parse("2026-11-30T01:01:00Z")))),
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ManifestJson.read(good.replace(SEGMENT_3 + "\" : \"2026", "000000010000000000000009\" : \"2026")
        .getBytes(StandardCharsets.UTF_8), key)).hasMessageContaining("names 000000010000000000000009, which is not a piece of the batch");
    assertThatThrownBy(() -> ManifestJson.read(good.replace("2026-11-30T01:01:00Z", "2026-11-30T01:05:00.000001Z")
        .getBytes(StandardCharsets.UTF_8), key)).hasMessageContaining("lies outside the batch's times");
    assertThatThrownBy(() -> ManifestJson.read(good.replace("2026-11-30T01:01:00Z", "2026-11-30T00:59:59.999999Z")
        .getBytes(StandardCharsets.UTF_8), key)).hasMessageContaining("lies outside the batch's times");
    assertThatThrownBy(() -> ManifestJson.read(good.replace("\"2026-11-30T01:01:00Z\"", "17").getBytes(StandardCharsets.UTF_8), key))
        .hasMessageContaining("transactionEnds of " + SEGMENT_3 + " is not a time");
    assertThatThrownBy(() -> ManifestJson.read(good.replaceAll("\"transactionEnds\" : \\{[^}]*}", "\"transactionEnds\" : [ ]")
        .getBytes(StandardCharsets.UTF_8), key)).hasMessageContaining("transactionEnds is not an object");
    // The edges of the batch's times are inside it.
    LogManifest edges = walBatch(java.util.Map.of(SEGMENT_3, Instant.parse("2026-11-30T01:00:00Z"), SEGMENT_4,
        Instant.parse("2026-11-30T01:05:00Z")));
    assertThat(ManifestJson.read(ManifestJson.write(edges), key)).isEqualTo(edges);
  }

  @Test
  void shouldReadAnIncrementalWithItsParent() {
    BackupManifest incremental = new BackupManifest("20261130T010000Z-full", "orders", Dialect.POSTGRESQL, BackupType.INCREMENTAL,
        "20261129T010000Z-full", 3, "7301188211537469442", Instant.parse("2026-11-30T01:00:00Z"), Instant.parse("2026-11-30T01:20:00Z"),
        "16/B374D848", "16/C0000000", full().pieces());

    assertThat(read(json(incremental))).isEqualTo(incremental);
  }

  @Test
  void shouldTakeABackupOfAnIdleDatabaseAndAnEmptyPiece() {
    BackupManifest idle = new BackupManifest("20261130T010000Z-full", "orders", Dialect.POSTGRESQL, BackupType.FULL, null, 1, "7301",
        Instant.parse("2026-11-30T01:00:00Z"), Instant.parse("2026-11-30T01:00:00Z"), "16/B374D848", "16/B374D848",
        List.of(new Piece("empty.tar", DIRECTORY + "empty.tar", 0, SHA)));

    assertThat(read(json(idle))).isEqualTo(idle);
  }

  @Test
  void shouldRefuseWhatIsNotAManifest() {
    assertThatThrownBy(() -> read("{not json")).hasMessageContaining(KEY).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> read("[]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> read(json(full()).replace("\"format\" : 1", "\"format\" : 2"))).hasMessageContaining("format 2");
    assertThatThrownBy(() -> read(json(full()).replace("\"kind\" : \"backup\"", "\"kind\" : \"other\""))).hasMessageContaining("kind 'other'");
    assertThatThrownBy(() -> read(json(full()).replace("\"id\" : \"20261130T010000Z-full\",", ""))).hasMessageContaining("'id' is missing");
    assertThatThrownBy(() -> read(json(full()).replace("\"timeline\" : 3", "\"timeline\" : \"3\""))).hasMessageContaining("'timeline'");
    assertThatThrownBy(() -> read(json(full()).replace("\"timeline\" : 3", "\"timeline\" : 0"))).hasMessageContaining("timeline 0");
    assertThatThrownBy(() -> read(json(full()).replace("2026-11-30T01:20:00Z", "yesterday"))).hasMessageContaining("refused");
  }

  @Test
  void shouldRefuseAManifestThatContradictsItself() {
    assertThatThrownBy(() -> read(json(full()).replace("\"endPosition\" : \"16/C0000000\"", "\"endPosition\" : \"15/0\"")))
        .hasMessageContaining("end position 15/0 is before its start position 16/B374D848");
    assertThatThrownBy(() -> read(json(full()).replace("\"endTime\" : \"2026-11-30T01:20:00Z\"", "\"endTime\" : \"2026-11-30T00:20:00Z\"")))
        .hasMessageContaining("before it starts");
    assertThatThrownBy(() -> read(json(full()).replace("\"parentId\" : null", "\"parentId\" : \"x\""))).hasMessageContaining("FULL backup has no parent");
    assertThatThrownBy(() -> read(json(full()).replace("\"type\" : \"FULL\"", "\"type\" : \"INCREMENTAL\""))).hasMessageContaining("names its parent");
    assertThatThrownBy(() -> read(json(full()).replace("\"databaseIdentity\" : \"7301188211537469442\"", "\"databaseIdentity\" : \" \"")))
        .hasMessageContaining("identity");
    assertThatThrownBy(() -> read(json(full()).replace("16/B374D848", "123"))).hasMessageContaining("not a PostgreSQL LSN");
  }

  @Test
  void shouldRefusePiecesOutsideTheManifestsDirectoryOrWithoutAChecksum() {
    assertThatThrownBy(() -> read(json(full()).replace(DIRECTORY + "base.tar", "rebound/backups/other/base.tar")))
        .hasMessageContaining("piece base.tar has key rebound/backups/other/base.tar");
    assertThatThrownBy(() -> read(json(full()).replaceFirst(SHA, "abc"))).hasMessageContaining("no SHA-256");
    assertThatThrownBy(() -> read(json(full()).replace("123456789", "-1"))).hasMessageContaining("negative size");
    assertThatThrownBy(() -> read(json(full()).replace("\"name\" : \"backup_label\"", "\"name\" : \"base.tar\"")
        .replace(DIRECTORY + "backup_label", DIRECTORY + "base.tar"))).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> ManifestJson.read(ManifestJson.write(full()), "rebound/backups/orders/2026/11/30/other-id/manifest.json"))
        .hasMessageContaining("outside the directory");
    BackupManifest empty = new BackupManifest(full().id(), "orders", Dialect.POSTGRESQL, BackupType.FULL, null, 1, "1", full().startTime(),
        full().endTime(), "0/1", "0/2", List.of());
    assertThatThrownBy(() -> ManifestJson.check(empty, KEY)).hasMessageContaining("no pieces");
  }

  @Test
  void shouldLayOutKeysByTargetDayAndId() {
    Instant start = Instant.parse("2026-11-30T23:59:00Z");
    assertThat(BackupLayout.backupDirectory("orders", start, "b1")).isEqualTo("backups/orders/2026/11/30/b1/");
    assertThat(BackupLayout.logDirectory("orders", start, "w1")).isEqualTo("backups/orders/logs/2026/11/30/w1/");
    assertThatThrownBy(() -> BackupLayout.backupDirectory("../etc", start, "b1")).hasMessageContaining("target '../etc'");
    assertThatThrownBy(() -> BackupLayout.backupDirectory("orders", start, "a/b")).hasMessageContaining("backup id 'a/b'");
    assertThatThrownBy(() -> BackupLayout.pieceName("..")).hasMessageContaining("piece name '..'");
    assertThatThrownBy(() -> BackupLayout.pieceName("manifest.json")).hasMessageContaining("piece name");
    assertThat(BackupLayout.pieceName("o1_mf_nnnd0_TAG20261130T010000_.bkp")).isEqualTo("o1_mf_nnnd0_TAG20261130T010000_.bkp");
  }
}
