package io.rebound.backup.postgresql;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The tar (POSIX ustar) a data directory is copied into and laid down from. Written here rather than by a library so
 * that a file is hashed from the very bytes the tar holds, and read back so that no entry lands outside the directory
 * it is laid down in (paths checked by {@link FileList#checkPath}, no links of any kind).
 */
final class Tar {

  static final int BLOCK = 512;
  /** The largest size ustar's 11 octal digits hold. */
  static final long MAX_SIZE = 077777777777L;
  private static final byte[] ZEROS = new byte[BLOCK];

  private Tar() {}

  /** Writes a tar, one entry after another. */
  static final class Writer implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];

    Writer(OutputStream out) {
      this.out = out;
    }

    void directory(String path) throws IOException {
      out.write(header(path, 0, '5', 0700));
    }

    /**
     * Copies {@code size} bytes of {@code file}, the size it had when it was looked at: a file that grew since is cut
     * there, one that shrank is padded with zeros, as pg_basebackup does (recovery rewrites such pages from the WAL).
     * Returns the SHA-256 of the bytes written.
     */
    String file(String path, Path file, long size) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        return file(path, in, size);
      }
    }

    /** The same as {@link #file(String, Path, long)}, from the next {@code size} bytes of a stream. */
    String file(String path, InputStream in, long size) throws IOException {
      if (size > MAX_SIZE) {
        throw new IOException(path + " is " + size + " bytes, more than a tar entry holds");
      }
      out.write(header(path, size, '0', 0600));
      MessageDigest digest = sha256();
      long left = size;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          break;
        }
        out.write(buffer, 0, read);
        digest.update(buffer, 0, read);
        left -= read;
      }
      while (left > 0) {
        int zeros = (int) Math.min(buffer.length, left);
        Arrays.fill(buffer, 0, zeros, (byte) 0);
        out.write(buffer, 0, zeros);
        digest.update(buffer, 0, zeros);
        left -= zeros;
      }
      pad(size);
      return HexFormat.of().formatHex(digest.digest());
    }

    private void pad(long size) throws IOException {
      int rest = (int) (size % BLOCK);
      if (rest != 0) {
        out.write(ZEROS, 0, BLOCK - rest);
      }
    }

    @Override
    public void close() throws IOException {
      out.write(ZEROS);
      out.write(ZEROS);
      out.close();
    }
  }

  /** What {@link #extract} calls for each entry laid down. */
  interface Visitor {
    void entry(String path, boolean directory) throws IOException;
  }

  /**
   * Lays down every entry of {@code tar} under {@code root}: directories created, files written (replacing what is
   * there), readable by the owner only as PostgreSQL requires. Refuses links, devices and any path that is not a plain
   * relative path inside {@code root}, before writing it.
   */
  static void extract(Path tar, Path root, Visitor visitor) throws IOException {
    byte[] header = new byte[BLOCK];
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
      while (true) {
        readFully(in, header, BLOCK, tar);
        if (isZero(header)) {
          return;
        }
        checkChecksum(header, tar);
        String path = FileList.checkPath(name(header));
        char type = (char) header[156];
        long size = octal(header, 124, 12);
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root.normalize()) || target.equals(root.normalize())) {
          throw new IOException(tar + " holds " + path + ", which is not inside " + root);
        }
        refuseLinkedParents(root, target);
        if (type == '5') {
          Files.createDirectories(target);
          visitor.entry(path, true);
          continue;
        }
        if (type != '0' && type != '\0') {
          throw new IOException(tar + " holds " + path + " of tar type '" + type + "': a backup holds only files and directories");
        }
        Files.createDirectories(target.getParent());
        if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(path + " is a link or a directory where " + tar + " holds a file");
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(target, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          long left = size;
          while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
              throw new EOFException(tar + " ends inside " + path);
            }
            out.write(buffer, 0, read);
            left -= read;
          }
        }
        long rest = (BLOCK - size % BLOCK) % BLOCK;
        readFully(in, buffer, (int) rest, tar);
        visitor.entry(path, false);
      }
    }
  }

  private static void refuseLinkedParents(Path root, Path target) throws IOException {
    for (Path parent = target.getParent(); parent != null && !parent.equals(root.normalize()); parent = parent.getParent()) {
      if (Files.isSymbolicLink(parent)) {
        throw new IOException(parent + " is a symbolic link: nothing is laid down through one");
      }
    }
  }

  static byte[] header(String path, long size, char type, int mode) {
    FileList.checkPath(path);
    byte[] header = new byte[BLOCK];
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    if (name.length <= 100) {
      System.arraycopy(name, 0, header, 0, name.length);
    } else {
      int split = path.lastIndexOf('/', Math.min(path.length() - 1, 155));
      byte[] prefix = split < 0 ? null : path.substring(0, split).getBytes(StandardCharsets.UTF_8);
      byte[] rest = split < 0 ? null : path.substring(split + 1).getBytes(StandardCharsets.UTF_8);
      if (prefix == null || prefix.length > 155 || rest.length > 100) {
        throw new IllegalArgumentException(path + " is too long for a tar entry");
      }
      System.arraycopy(rest, 0, header, 0, rest.length);
      System.arraycopy(prefix, 0, header, 345, prefix.length);
    }
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
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
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, header, 148, 8);
    return header;
  }

  static String name(byte[] header) {
    String name = text(header, 0, 100);
    String prefix = text(header, 345, 155);
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  static void checkChecksum(byte[] header, Path tar) throws IOException {
    long recorded = octal(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
    }
    if (sum != recorded) {
      throw new IOException(tar + " is damaged: a header's checksum does not match");
    }
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String digits = String.format("%0" + (length - 1) + "o", value);
    System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  static long octal(byte[] header, int offset, int length) {
    String digits = text(header, offset, length).strip();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }

  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  static void readFully(InputStream in, byte[] buffer, int length, Path tar) throws IOException {
    int done = 0;
    while (done < length) {
      int read = in.read(buffer, done, length - done);
      if (read < 0) {
        throw new EOFException(tar + " ends before its end-of-archive blocks");
      }
      done += read;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
