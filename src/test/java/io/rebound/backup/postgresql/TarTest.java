package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {

  @TempDir Path directory;

  @Test
  void shouldLayDownWhatItCopiedWithTheChecksumOfTheBytesCopied() throws Exception {
    Path source = Files.writeString(directory.resolve("source"), "relation bytes");
    String longPath = "base/" + "d".repeat(120) + "/16384";
    Path tar = directory.resolve("base.tar");
    String sha256;
    try (Tar.Writer writer = new Tar.Writer(Files.newOutputStream(tar))) {
      writer.directory("base");
      sha256 = writer.file("base/1/1259", source, Files.size(source));
      writer.file(longPath, source, 8);
    }

    Path root = Files.createDirectory(directory.resolve("root"));
    List<String> seen = new ArrayList<>();
    Tar.extract(tar, root, (path, isDirectory) -> seen.add(path + (isDirectory ? "/" : "")));

    assertThat(seen).containsExactly("base/", "base/1/1259", longPath);
    assertThat(Files.readString(root.resolve("base/1/1259"))).isEqualTo("relation bytes");
    assertThat(Files.readString(root.resolve(longPath))).isEqualTo("relation");
    assertThat(sha256).isEqualTo(sha256("relation bytes".getBytes(StandardCharsets.UTF_8)));
    assertThat(Files.getPosixFilePermissions(root.resolve("base/1/1259"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.size(tar) % Tar.BLOCK).isZero();
  }

  @Test
  void shouldPadAFileThatShrankAndCutOneThatGrew() throws Exception {
    Path file = Files.write(directory.resolve("f"), new byte[] {1, 2, 3});

    assertThat(BaseBackup.sha256(file, 5)).isEqualTo(sha256(new byte[] {1, 2, 3, 0, 0}));
    assertThat(BaseBackup.sha256(file, 2)).isEqualTo(sha256(new byte[] {1, 2}));
    assertThat(BaseBackup.sha256(file, 0)).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void shouldReplaceAFileAnEarlierLayerLaidDown() throws Exception {
    Path root = Files.createDirectory(directory.resolve("root"));
    Tar.extract(tar("one", "base/1", "a longer first version"), root, (path, isDirectory) -> {});
    Tar.extract(tar("two", "base/1", "second"), root, (path, isDirectory) -> {});

    assertThat(Files.readString(root.resolve("base/1"))).isEqualTo("second");
  }

  @Test
  void shouldRefuseAnEntryOutsideTheDirectory() throws Exception {
    for (String name : new String[] {"../escape", "/etc/cron.d/x", "base/../../x"}) {
      Path tar = directory.resolve("evil.tar");
      Files.write(tar, concat(rawHeader(name, 1, '0'), new byte[Tar.BLOCK], new byte[2 * Tar.BLOCK]));
      Path root = Files.createDirectories(directory.resolve("root"));

      assertThatThrownBy(() -> Tar.extract(tar, root, (path, isDirectory) -> {})).as(name).isInstanceOf(IllegalArgumentException.class);
      assertThat(directory.resolve("escape")).doesNotExist();
    }
  }

  @Test
  void shouldRefuseLinksAndDevices() throws Exception {
    for (char type : new char[] {'1', '2', '3', '4', '6'}) {
      Path tar = directory.resolve("link.tar");
      Files.write(tar, concat(rawHeader("base/link", 0, type), new byte[2 * Tar.BLOCK]));
      Path root = Files.createDirectories(directory.resolve("root"));

      assertThatThrownBy(() -> Tar.extract(tar, root, (path, isDirectory) -> {})).isInstanceOf(IOException.class)
          .hasMessageContaining("tar type '" + type + "'");
    }
  }

  @Test
  void shouldRefuseToWriteThroughASymbolicLink() throws Exception {
    Path root = Files.createDirectory(directory.resolve("root"));
    Path outside = Files.createDirectory(directory.resolve("outside"));
    Files.createSymbolicLink(root.resolve("base"), outside);

    assertThatThrownBy(() -> Tar.extract(tar("t", "base/1", "x"), root, (path, isDirectory) -> {})).isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    assertThat(outside.resolve("1")).doesNotExist();
    Files.createSymbolicLink(root.resolve("file"), outside.resolve("target"));
    assertThatThrownBy(() -> Tar.extract(tar("u", "file", "x"), root, (path, isDirectory) -> {})).isInstanceOf(IOException.class)
        .hasMessageContaining("is a link");
    assertThat(outside.resolve("target")).doesNotExist();
  }

  @Test
  void shouldRefuseADamagedOrCutTar() throws Exception {
    Path tar = tar("t", "base/1", "content");
    byte[] bytes = Files.readAllBytes(tar);
    bytes[10] ^= 1;
    Path damaged = Files.write(directory.resolve("damaged.tar"), bytes);
    Path cut = Files.write(directory.resolve("cut.tar"), java.util.Arrays.copyOf(Files.readAllBytes(tar), Tar.BLOCK + 3));
    Path noEnd = Files.write(directory.resolve("noend.tar"), java.util.Arrays.copyOf(Files.readAllBytes(tar), 2 * Tar.BLOCK));
    Path root = Files.createDirectory(directory.resolve("root"));

    assertThatThrownBy(() -> Tar.extract(damaged, root, (path, isDirectory) -> {})).hasMessageContaining("checksum");
    assertThatThrownBy(() -> Tar.extract(cut, root, (path, isDirectory) -> {})).hasMessageContaining("ends inside base/1");
    assertThatThrownBy(() -> Tar.extract(noEnd, root, (path, isDirectory) -> {})).hasMessageContaining("before its end-of-archive");
  }

  @Test
  void shouldRefuseAFileTooLargeForATarEntry() throws Exception {
    Path file = Files.writeString(directory.resolve("f"), "x");
    try (Tar.Writer writer = new Tar.Writer(new ByteArrayOutputStream())) {
      assertThatThrownBy(() -> writer.file("big", file, Tar.MAX_SIZE + 1)).hasMessageContaining("more than a tar entry holds");
    }
    assertThatThrownBy(() -> Tar.header("a/" + "b".repeat(101), 0, '0', 0600)).hasMessageContaining("too long");
    assertThatThrownBy(() -> Tar.header("c".repeat(160) + "/b", 0, '0', 0600)).hasMessageContaining("too long");
  }

  @Test
  void shouldWriteHeadersOtherTarsRead() {
    byte[] header = Tar.header("base/16384/2608", 8192, '0', 0600);

    assertThat(Tar.name(header)).isEqualTo("base/16384/2608");
    assertThat(Tar.octal(header, 124, 12)).isEqualTo(8192);
    assertThat(Tar.octal(header, 100, 8)).isEqualTo(0600);
    assertThat(new String(header, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
    assertThat((char) header[156]).isEqualTo('0');
    long sum = 0;
    for (int i = 0; i < Tar.BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
    }
    assertThat(Tar.octal(header, 148, 8)).isEqualTo(sum);
  }

  @Test
  void shouldWriteWhatGnuTarLists() throws Exception {
    Path source = Files.writeString(directory.resolve("source"), "abc");
    String exactlyHundred = "n".repeat(100);
    String longest = "p".repeat(155) + "/" + "r".repeat(100);
    Path tar = directory.resolve("gnu.tar");
    try (Tar.Writer writer = new Tar.Writer(Files.newOutputStream(tar))) {
      writer.directory("base");
      writer.file(exactlyHundred, source, 3);
      writer.file("a/" + "q".repeat(99), source, 3);
      writer.file(longest, source, 5);
    }
    Process list = new ProcessBuilder("tar", "-tvf", tar.toString()).redirectErrorStream(true).start();
    String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(list.waitFor()).as(listing).isZero();
    assertThat(listing.lines()).hasSize(4);
    assertThat(listing).contains("drwx------", "-rw-------", "0/0", "00:00 base\n", " " + exactlyHundred, " a/" + "q".repeat(99), " " + longest)
        .contains(" 5 1970-01-01");
    assertThat(Files.size(tar)).as("4 headers, 3 padded files and the two end blocks").isEqualTo(9 * Tar.BLOCK);
    Path root = Files.createDirectory(directory.resolve("root"));
    Tar.extract(tar, root, (path, isDirectory) -> {});
    assertThat(Files.readAllBytes(root.resolve(longest))).containsExactly('a', 'b', 'c', 0, 0);
  }

  @Test
  void shouldSplitLongNamesWhereUstarCan() {
    byte[] header = Tar.header("p".repeat(155) + "/" + "r".repeat(100), 0, '0', 0600);
    assertThat(Tar.name(header)).isEqualTo("p".repeat(155) + "/" + "r".repeat(100));
    assertThat(new String(header, 0, 100, StandardCharsets.US_ASCII)).isEqualTo("r".repeat(100));
    assertThat(Tar.name(Tar.header("n".repeat(100), 0, '0', 0600))).isEqualTo("n".repeat(100));
    assertThat(Tar.name(Tar.header("a/" + "n".repeat(99), 0, '0', 0600))).isEqualTo("a/" + "n".repeat(99));
    assertThatThrownBy(() -> Tar.header("p".repeat(156) + "/r", 0, '0', 0600)).hasMessageContaining("too long");
    assertThatThrownBy(() -> Tar.header("n".repeat(101), 0, '0', 0600)).hasMessageContaining("too long");
    assertThat(new String(header, 100, 8, StandardCharsets.US_ASCII)).isEqualTo("0000600\0");
    assertThat(new String(header, 108, 8, StandardCharsets.US_ASCII)).isEqualTo("0000000\0");
    assertThat(new String(header, 116, 8, StandardCharsets.US_ASCII)).isEqualTo("0000000\0");
    assertThat(new String(header, 124, 12, StandardCharsets.US_ASCII)).isEqualTo("00000000000\0");
    assertThat(new String(header, 136, 12, StandardCharsets.US_ASCII)).isEqualTo("00000000000\0");
  }

  @Test
  void shouldCloseTheStreamItWrites() throws Exception {
    boolean[] closed = {false};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    new Tar.Writer(bytes).close();

    assertThat(closed[0]).isTrue();
    assertThat(bytes.toByteArray()).hasSize(2 * Tar.BLOCK).containsOnly(0);
  }

  private Path tar(String name, String path, String content) throws IOException {
    Path source = Files.writeString(directory.resolve(name + ".src"), content);
    Path tar = directory.resolve(name + ".tar");
    try (Tar.Writer writer = new Tar.Writer(Files.newOutputStream(tar))) {
      writer.file(path, source, Files.size(source));
    }
    return tar;
  }

  /** A header as another tool might write it, without the checks {@link Tar#header} makes. */
  private static byte[] rawHeader(String name, long size, char type) {
    byte[] header = Tar.header("placeholder", size, type, 0600);
    java.util.Arrays.fill(header, 0, 100, (byte) 0);
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, 0, bytes.length);
    java.util.Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xFF;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, header, 148, 8);
    return header;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
