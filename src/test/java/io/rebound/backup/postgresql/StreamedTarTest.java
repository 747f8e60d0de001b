package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.runbook.DetachedWork.Beat;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamedTarTest {

  private static final String SEGMENT = "000000010000000000000002";
  private static final String LABEL = "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nSTART TIMELINE: 1\n";

  @TempDir
  Path directory;

  @Test
  void shouldTurnPgBasebackupsTarsIntoThePiecesOfALowLevelBackup() throws IOException {
    // given what pg_basebackup -F tar -X stream writes: names with trailing '/' and "./", the label and an empty map inside
    Path output = directory.resolve("out");
    byte[] relation = bytes(8192 + 100, 7);
    new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)).file("tablespace_map", new byte[0])
        .directory("global/").file("global/1262", relation).directory("./pg_wal/archive_status/").directory("pg_wal/")
        .file("PG_VERSION", "15\n".getBytes(StandardCharsets.US_ASCII)).file("global/pg_control", bytes(8192, 3))
        .write(output.resolve("base.tar"));
    byte[] wal = bytes(4096, 11);
    new PgTar().file(SEGMENT, wal).write(output.resolve("pg_wal.tar"));

    // when converted
    StreamedTar.Converted converted = StreamedTar.convert(output, directory.resolve("pieces"), beat());

    // then base.tar holds every file and directory under plain names, the WAL under pg_wal/ marked archived, no label
    Path pieces = directory.resolve("pieces");
    assertThat(converted.pieces()).containsExactly(pieces.resolve("base.tar"), pieces.resolve("files.list"),
        pieces.resolve("backup_label"));
    assertThat(converted.backupLabel()).isEqualTo(LABEL);
    assertThat(Files.readString(pieces.resolve("backup_label"))).isEqualTo(LABEL);
    assertThat(converted.bytes()).isEqualTo(relation.length + 3 + 8192 + wal.length);
    Path laid = directory.resolve("laid");
    List<String> entries = new ArrayList<>();
    Tar.extract(pieces.resolve("base.tar"), laid, (path, isDirectory) -> entries.add(path + (isDirectory ? "/" : "")));
    assertThat(entries).containsExactly("global/", "global/1262", "pg_wal/archive_status/", "pg_wal/", "PG_VERSION",
        "global/pg_control", "pg_wal/" + SEGMENT, "pg_wal/archive_status/" + SEGMENT + ".done");
    assertThat(Files.readAllBytes(laid.resolve("global/1262"))).isEqualTo(relation);
    assertThat(Files.readAllBytes(laid.resolve("pg_wal/" + SEGMENT))).isEqualTo(wal);
    assertThat(laid.resolve("backup_label")).doesNotExist();
    assertThat(laid.resolve("tablespace_map")).doesNotExist();

    // and the file list names each with the size and SHA-256 a restore checks
    FileList list = FileList.read(pieces.resolve("files.list"));
    assertThat(list).usingRecursiveComparison().isEqualTo(converted.list());
    assertThat(list.directories()).containsExactly("global", "pg_wal/archive_status", "pg_wal");
    assertThat(list.file("global/1262")).contains(new FileList.Entry(relation.length, sha256(relation)));
    assertThat(list.file("pg_wal/" + SEGMENT)).contains(new FileList.Entry(wal.length, sha256(wal)));
    assertThat(list.file("pg_wal/archive_status/" + SEGMENT + ".done")).contains(new FileList.Entry(0, sha256(new byte[0])));
    assertThat(list.files()).hasSize(5);
    PhysicalRestore.conform(laid, list, "b1");
  }

  @Test
  void shouldRefuseTablespacesOutsideTheDataDirectory() throws IOException {
    Path output = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)).file("global/pg_control", bytes(10, 1)));
    Files.write(output.resolve("16385.tar"), new byte[1024]);
    assertThatThrownBy(() -> StreamedTar.convert(output, directory.resolve("p1"), beat()))
        .hasMessageContaining("16385.tar: the server has a tablespace outside the data directory");

    Path linked = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8))
        .entry("pg_tblspc/16385", '2', new byte[0]).file("global/pg_control", bytes(10, 1)));
    assertThatThrownBy(() -> StreamedTar.convert(linked, directory.resolve("p2"), beat()))
        .hasMessageContaining("tablespace outside the data directory (pg_tblspc/16385)");

    Path mapped = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8))
        .file("tablespace_map", "16385 /srv/ts\n".getBytes(StandardCharsets.UTF_8)).file("global/pg_control", bytes(10, 1)));
    assertThatThrownBy(() -> StreamedTar.convert(mapped, directory.resolve("p3"), beat()))
        .hasMessageContaining("tablespace_map is not empty");
  }

  @Test
  void shouldRefuseOutputThatIsNotAWholeBackup() throws IOException {
    Path noLabel = base(new PgTar().file("global/pg_control", bytes(10, 1)));
    assertThatThrownBy(() -> StreamedTar.convert(noLabel, directory.resolve("p1"), beat())).hasMessageContaining("holds no backup_label");

    Path noControl = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> StreamedTar.convert(noControl, directory.resolve("p2"), beat()))
        .hasMessageContaining("holds no global/pg_control");

    Path noWal = directory.resolve("no-wal");
    new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)).write(noWal.resolve("base.tar"));
    assertThatThrownBy(() -> StreamedTar.convert(noWal, directory.resolve("p3"), beat())).hasMessageContaining("wrote no pg_wal.tar");

    Path extra = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)));
    Files.writeString(extra.resolve("backup_manifest"), "{}");
    assertThatThrownBy(() -> StreamedTar.convert(extra, directory.resolve("p4"), beat()))
        .hasMessageContaining("backup_manifest, which a backup does not hold");
  }

  @Test
  void shouldRefuseLinksEscapingNamesAndCutTars() throws IOException {
    Path link = directory.resolve("link.tar");
    new PgTar().entry("pg_wal", '2', new byte[0]).write(link);
    assertThatThrownBy(() -> StreamedTar.read(link, (path, isDirectory, size, in) -> { }))
        .hasMessageContaining("holds pg_wal of tar type '2'");

    Path escaping = directory.resolve("escaping.tar");
    new PgTar().file("../etc/passwd", bytes(3, 1)).write(escaping);
    assertThatThrownBy(() -> StreamedTar.read(escaping, (path, isDirectory, size, in) -> { }))
        .hasMessageContaining("not a relative path inside a data directory");

    Path cut = directory.resolve("cut.tar");
    byte[] whole = new PgTar().file("global/1262", bytes(8192, 5)).bytes();
    Files.write(cut, Arrays.copyOf(whole, 512 + 4000));
    assertThatThrownBy(() -> StreamedTar.read(cut, (path, isDirectory, size, in) -> in.readAllBytes()))
        .isInstanceOf(EOFException.class).hasMessageContaining("ends inside global/1262");

    Path unread = directory.resolve("unread.tar");
    Files.write(unread, Arrays.copyOf(whole, 512 + 4000));
    assertThatThrownBy(() -> StreamedTar.read(unread, (path, isDirectory, size, in) -> { }))
        .isInstanceOf(EOFException.class);

    Path damaged = directory.resolve("damaged.tar");
    byte[] bad = whole.clone();
    bad[3] = 'X';
    Files.write(damaged, bad);
    assertThatThrownBy(() -> StreamedTar.read(damaged, (path, isDirectory, size, in) -> { })).hasMessageContaining("checksum");
  }

  @Test
  void shouldReadEveryEntryWhateverTheCallerLeavesUnread() throws IOException {
    Path tar = directory.resolve("partly.tar");
    new PgTar().file("a", bytes(1000, 1)).directory("./d/").file("d/b", bytes(513, 2)).directory("./").write(tar);
    List<String> seen = new ArrayList<>();

    StreamedTar.read(tar, (path, isDirectory, size, in) -> {
      seen.add(path + " " + isDirectory + " " + size + " " + in.read());
    });

    assertThat(seen).containsExactly("a false 1000 1", "d true 0 -1", "d/b false 513 2");
  }

  @Test
  void shouldMarkHistoriesArchivedTooAndAskTheJobWhetherToGoOnAtEveryEntry() throws IOException {
    Path output = directory.resolve("timeline");
    new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)).directory("global/")
        .file("global/pg_control", bytes(10, 1)).write(output.resolve("base.tar"));
    new PgTar().directory("archive_status/").file("00000002.history", "1\t0/3000000\tno recovery target\n".getBytes(
        StandardCharsets.UTF_8)).file("000000020000000000000003", bytes(64, 2)).file("notes", bytes(3, 3))
        .write(output.resolve("pg_wal.tar"));
    int[] checks = new int[1];
    Beat counting = new Beat() {
      @Override
      public Path directory() {
        return output;
      }

      @Override
      public void progress(String text) {}

      @Override
      public void check() {
        checks[0]++;
      }
    };

    FileList list = StreamedTar.convert(output, directory.resolve("pieces"), counting).list();

    assertThat(checks[0]).as("one check per entry of both tars").isEqualTo(3 + 4);
    assertThat(list.directories()).containsExactly("global", "pg_wal/archive_status");
    assertThat(list.files()).containsOnlyKeys("global/pg_control", "pg_wal/00000002.history", "pg_wal/archive_status/00000002.history.done",
        "pg_wal/000000020000000000000003", "pg_wal/archive_status/000000020000000000000003.done", "pg_wal/notes");
  }

  @Test
  void shouldStopWhenTheJobMustStop() throws IOException {
    Path output = base(new PgTar().file("backup_label", LABEL.getBytes(StandardCharsets.UTF_8)).file("global/pg_control", bytes(10, 1)));
    Beat fenced = new Beat() {
      @Override
      public Path directory() {
        return output;
      }

      @Override
      public void progress(String text) {}

      @Override
      public void check() {
        throw new java.util.concurrent.CancellationException("fenced");
      }
    };

    assertThatThrownBy(() -> StreamedTar.convert(output, directory.resolve("pieces"), fenced)).hasMessage("fenced");
  }

  @Test
  void shouldGiveEachEntryExactlyItsBytes() throws IOException {
    Path tar = directory.resolve("exact.tar");
    byte[] first = bytes(700, 4);
    new PgTar().file("a", first).file("b", bytes(512, 5)).write(tar);
    List<byte[]> read = new ArrayList<>();

    StreamedTar.read(tar, (path, isDirectory, size, in) -> read.add(in.readAllBytes()));

    assertThat(read).hasSize(2);
    assertThat(read.get(0)).isEqualTo(first);
    assertThat(read.get(1)).isEqualTo(bytes(512, 5));
  }

  @Test
  void shouldRefuseADirectoryEntryWithContent() throws IOException {
    Path tar = directory.resolve("directory.tar");
    new PgTar().entry("global/", '5', bytes(10, 1)).write(tar);

    assertThatThrownBy(() -> StreamedTar.read(tar, (path, isDirectory, size, in) -> { }))
        .hasMessageContaining("the directory global/ has 10 bytes of content");
  }

  @Test
  void shouldNormalizeTheNamesPgBasebackupWrites() {
    assertThat(StreamedTar.normalize("./pg_wal/archive_status/")).isEqualTo("pg_wal/archive_status");
    assertThat(StreamedTar.normalize("global/")).isEqualTo("global");
    assertThat(StreamedTar.normalize("././a//")).isEqualTo("a");
    assertThat(StreamedTar.normalize("./")).isEmpty();
    assertThat(StreamedTar.normalize(".")).isEmpty();
    assertThat(StreamedTar.normalize("PG_VERSION")).isEqualTo("PG_VERSION");
  }

  // ---------------------------------------------------------------- helpers

  private Path base(PgTar base) throws IOException {
    Path output = Files.createTempDirectory(directory, "out");
    base.write(output.resolve("base.tar"));
    new PgTar().file(SEGMENT, bytes(100, 9)).write(output.resolve("pg_wal.tar"));
    return output;
  }

  private static byte[] bytes(int size, int seed) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Beat beat() {
    return new Beat() {
      @Override
      public Path directory() {
        return Path.of("/nonexistent");
      }

      @Override
      public void progress(String text) {}

      @Override
      public void check() {}
    };
  }

  /** A tar written the way PostgreSQL's tarCreateHeader writes one: names as given, no prefix field. */
  private static final class PgTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PgTar file(String name, byte[] content) {
      return entry(name, '0', content);
    }

    PgTar directory(String name) {
      return entry(name, '5', new byte[0]);
    }

    PgTar entry(String name, char type, byte[] content) {
      byte[] header = new byte[512];
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(bytes, 0, header, 0, bytes.length);
      octal(header, 100, 8, type == '5' ? 0700 : 0600);
      octal(header, 108, 8, 0);
      octal(header, 116, 8, 0);
      octal(header, 124, 12, content.length);
      octal(header, 136, 12, 0);
      header[156] = (byte) type;
      System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
      header[263] = '0';
      header[264] = '0';
      Arrays.fill(header, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xFF;
      }
      octal(header, 148, 8, sum);
      out.writeBytes(header);
      out.writeBytes(content);
      out.writeBytes(new byte[(512 - content.length % 512) % 512]);
      return this;
    }

    byte[] bytes() {
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      copy.writeBytes(out.toByteArray());
      copy.writeBytes(new byte[1024]);
      return copy.toByteArray();
    }

    void write(Path tar) throws IOException {
      Files.createDirectories(tar.getParent());
      Files.write(tar, bytes());
    }

    private static void octal(byte[] header, int offset, int length, long value) {
      byte[] digits = String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(digits, 0, header, offset, length - 1);
    }
  }
}
