package io.rebound.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-256 and MD5 as S3 and a DBA's shell speak them. */
final class Checksums {

  private Checksums() {}

  static MessageDigest sha256() {
    return digest("SHA-256");
  }

  static MessageDigest md5() {
    return digest("MD5");
  }

  static String sha256Hex(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The form S3's {@code x-amz-checksum-sha256} carries. */
  static String sha256Base64(byte[] bytes, int length) {
    MessageDigest digest = sha256();
    digest.update(bytes, 0, length);
    return Base64.getEncoder().encodeToString(digest.digest());
  }

  /** A part's ETag on a store without server-side KMS encryption. */
  static String md5Hex(byte[] bytes, int length) {
    MessageDigest digest = md5();
    digest.update(bytes, 0, length);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
  }
}
