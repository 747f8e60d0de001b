package io.rebound.backup.postgresql;

import io.rebound.runbook.DetachedWork.Beat;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what {@code pg_basebackup -F tar -X stream} wrote ({@code base.tar}, {@code pg_wal.tar}) into the pieces a
 * low-level backup has, so that a restore lays both down the same way: {@code base.tar} in Rebound's own form (plain
 * relative names, files and directories only) with the WAL under {@code pg_wal/}, each segment marked archived
 * ({@code archive_status/<segment>.done}, as pg_basebackup's plain format does) so the restored server does not archive
 * them again; {@code files.list} with the size and SHA-256 of every file as written; and the {@code backup_label}
 * taken out of the tar into a piece of its own, which the restore writes after checking the files, as for a low-level
 * backup. A tablespace outside the data directory (a tar of its own, a link under {@code pg_tblspc}, a non-empty
 * {@code tablespace_map}) is refused, as the low-level backup refuses it.
 */
final class StreamedTar {

  static final String BASE = "base.tar";
  static final String WAL = "pg_wal.tar";

  /** What the conversion wrote into the pieces directory. */
  record Converted(FileList list, String backupLabel, List<Path> pieces, long bytes) {}

  private StreamedTar() {}

  static Converted convert(Path output, Path pieces, Beat beat) throws IOException {
    try (DirectoryStream<Path> written = Files.newDirectoryStream(output)) {
      for (Path file : written) {
        String name = file.getFileName().toString();
        if (!name.equals(BASE) && !name.equals(WAL)) {
          throw new IllegalStateException("pg_basebackup wrote " + name + (name.endsWith(".tar") ? ": the server has a tablespace"
              + " outside the data directory; backups of tablespaces are not supported" : ", which a backup does not hold"));
        }
      }
    }
    for (String required : List.of(BASE, WAL)) {
      if (!Files.isRegularFile(output.resolve(required))) {
        throw new IllegalStateException("pg_basebackup wrote no " + required + " into " + output);
      }
    }
    Files.createDirectories(pieces);
    Set<String> directories = new LinkedHashSet<>();
    Map<String, FileList.Entry> files = new LinkedHashMap<>();
    String[] label = new String[1];
    long[] bytes = new long[1];
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(pieces.resolve(BaseBackup.TAR)), 1 << 16);
        Tar.Writer tar = new Tar.Writer(stream)) {
      read(output.resolve(BASE), (path, directory, size, in) -> {
        beat.check();
        if (directory) {
          directories.add(path);
          tar.directory(path);
        } else if (path.equals(BaseBackup.LABEL)) {
          label[0] = new String(in.readNBytes((int) Math.min(size, 1 << 20)), StandardCharsets.UTF_8);
        } else if (path.equals(BaseBackup.TABLESPACE_MAP)) {
          if (size > 0) {
            throw new IllegalStateException("the server has tablespaces outside the data directory (tablespace_map is not empty);"
                + " backups of tablespaces are not supported");
          }
        } else {
          files.put(path, new FileList.Entry(size, tar.file(path, in, size)));
          bytes[0] += size;
        }
      });
      read(output.resolve(WAL), (path, directory, size, in) -> {
        beat.check();
        String inData = "pg_wal/" + path;
        if (directory) {
          directories.add(inData);
          tar.directory(inData);
          return;
        }
        files.put(inData, new FileList.Entry(size, tar.file(inData, in, size)));
        bytes[0] += size;
        if (WalNames.isSegment(path) || WalNames.historyTimeline(path).isPresent()) {
          String done = "pg_wal/archive_status/" + path + ".done";
          files.put(done, new FileList.Entry(0, tar.file(done, InputStream.nullInputStream(), 0)));
        }
      });
    }
    if (label[0] == null) {
      throw new IllegalStateException("the base.tar pg_basebackup wrote holds no backup_label");
    }
    if (files.keySet().stream().noneMatch(DataDirectoryRules::isControlFile)) {
      throw new IllegalStateException("the base.tar pg_basebackup wrote holds no global/pg_control");
    }
    FileList list = new FileList(new ArrayList<>(directories), files);
    list.write(pieces.resolve(FileList.NAME));
    Files.writeString(pieces.resolve(BaseBackup.LABEL), label[0], StandardCharsets.UTF_8);
    return new Converted(list, label[0], List.of(pieces.resolve(BaseBackup.TAR), pieces.resolve(FileList.NAME),
        pieces.resolve(BaseBackup.LABEL)), bytes[0]);
  }

  /** What {@link #read} calls for each entry; a file's bytes are read from {@code in}, at most {@code size}. */
  interface Entry {
    void accept(String path, boolean directory, long size, InputStream in) throws IOException;
  }

  /**
   * Reads a tar as pg_basebackup writes it (ustar; directory names end in '/', some start with "./"), refusing links
   * and any name that is not a plain relative path: nothing from it is ever written outside where it belongs.
   */
  static void read(Path tar, Entry entry) throws IOException {
    byte[] header = new byte[Tar.BLOCK];
    byte[] padding = new byte[Tar.BLOCK];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
      while (true) {
        Tar.readFully(in, header, Tar.BLOCK, tar);
        if (Tar.isZero(header)) {
          return;
        }
        Tar.checkChecksum(header, tar);
        String raw = Tar.name(header);
        String path = normalize(raw);
        char type = (char) header[156];
        long size = Tar.octal(header, 124, 12);
        if (type == '5') {
          if (size != 0) {
            throw new IOException(tar + " is damaged: the directory " + raw + " has " + size + " bytes of content");
          }
          if (!path.isEmpty()) {
            entry.accept(FileList.checkPath(path), true, 0, InputStream.nullInputStream());
          }
          continue;
        }
        if (type == '2' && path.startsWith("pg_tblspc/")) {
          throw new IllegalStateException("the server has a tablespace outside the data directory (" + path + "); backups of"
              + " tablespaces are not supported");
        }
        if (type != '0' && type != '\0') {
          throw new IOException(tar + " holds " + raw + " of tar type '" + type + "': a backup holds only files and directories");
        }
        Exact body = new Exact(in, size, tar, raw);
        entry.accept(FileList.checkPath(path), false, size, body);
        body.drain();
        Tar.readFully(in, padding, (int) ((Tar.BLOCK - size % Tar.BLOCK) % Tar.BLOCK), tar);
      }
    }
  }

  /** A name without pg_basebackup's "./" prefix and trailing '/'. */
  static String normalize(String name) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.equals(".") ? "" : path;
  }

  /** Reads past {@code count} bytes: read, not skipped, since a file's skip goes past its end without a word. */
  private static void skip(InputStream in, long count, Path tar) throws IOException {
    byte[] buffer = new byte[1 << 13];
    long left = count;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new EOFException(tar + " ends inside an entry");
      }
      left -= read;
    }
  }

  /** One entry's bytes: exactly {@code size}, a tar that ends before them is refused rather than padded. */
  private static final class Exact extends InputStream {
    private final InputStream in;
    private final Path tar;
    private final String name;
    private long left;

    Exact(InputStream in, long size, Path tar, String name) {
      this.in = in;
      this.left = size;
      this.tar = tar;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left == 0) {
        return -1;
      }
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read < 0) {
        throw new EOFException(tar + " ends inside " + name);
      }
      left -= read;
      return read;
    }

    void drain() throws IOException {
      StreamedTar.skip(in, left, tar);
      left = 0;
    }
  }
}
