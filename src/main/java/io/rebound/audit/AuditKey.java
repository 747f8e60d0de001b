package io.rebound.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key the audit chain and its anchor are MAC'd with. It comes from configuration, never from the engine
 * database, so whoever can write that database cannot recompute a chain they changed. It never appears in
 * a log or a message: {@link #toString()} shows only its id, a MAC of a fixed text that tells keys apart
 * without revealing them.
 */
final class AuditKey {

  /** HMAC-SHA256's own block of entropy: a shorter key is guessable sooner than the MAC is forgeable. */
  static final int MIN_LENGTH = 32;
  static final String KEY_PROPERTY = "rebound.audit.hmac-key";
  static final String KEY_FILE_PROPERTY = "rebound.audit.hmac-key-file";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Logger LOG = LoggerFactory.getLogger(AuditKey.class);

  private final String material;
  private final SecretKeySpec key;
  private final String id;

  AuditKey(String material) {
    if (material == null || material.getBytes(StandardCharsets.UTF_8).length < MIN_LENGTH) {
      throw new AuditKeyException("The audit key is shorter than " + MIN_LENGTH + " bytes",
          "Use a random key of at least " + MIN_LENGTH + " bytes, e.g. the output of: openssl rand -base64 32");
    }
    this.material = material;
    this.key = new SecretKeySpec(material.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.id = mac("rebound-audit-key-id").substring(0, 16);
  }

  /**
   * The key as configured: {@value #KEY_PROPERTY}, or the file {@value #KEY_FILE_PROPERTY} names, or else one
   * generated into {@code generatedKeyFile} on first start (null where a key must be given, as in production).
   */
  static AuditKey load(String configuredKey, Path keyFile, Path generatedKeyFile) {
    boolean keyGiven = configuredKey != null && !configuredKey.isBlank();
    if (keyGiven && keyFile != null) {
      throw new AuditKeyException("Both " + KEY_PROPERTY + " and " + KEY_FILE_PROPERTY + " are set",
          "Set one of them: which key verifies the audit trail must not depend on which one wins");
    }
    if (keyGiven) {
      return new AuditKey(configuredKey.strip());
    }
    if (keyFile != null) {
      if (!Files.isRegularFile(keyFile) || !Files.isReadable(keyFile)) {
        throw new AuditKeyException(KEY_FILE_PROPERTY + " names " + keyFile.toAbsolutePath() + ", which is not a readable file",
            "Mount the audit key's secret there, or point " + KEY_FILE_PROPERTY + " at the file that holds it");
      }
      return new AuditKey(read(keyFile));
    }
    if (generatedKeyFile != null) {
      return new AuditKey(readOrGenerate(generatedKeyFile));
    }
    throw new AuditKeyException("No audit key is configured: the audit trail is MAC'd with a key kept outside the engine database",
        "Set " + KEY_FILE_PROPERTY + " to a file holding the key (e.g. a mounted secret), or " + KEY_PROPERTY
            + " (e.g. REBOUND_AUDIT_HMACKEY); at least " + MIN_LENGTH + " bytes, e.g. from: openssl rand -base64 32");
  }

  /** HMAC-SHA256 of the text, in hex. */
  String mac(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether two MACs are the same, in time that does not tell how much of them matched. */
  static boolean sameMac(String expected, String actual) {
    return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }

  /** Tells keys apart, reveals nothing of them. */
  String id() {
    return id;
  }

  /** The key as configured, for the redactor only: it masks the key wherever it would be written. */
  String material() {
    return material;
  }

  @Override
  public String toString() {
    return "AuditKey[id=" + id + "]";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AuditKeyException("The audit key file " + file.toAbsolutePath() + " cannot be read: " + e.getMessage(),
          "Make the file readable by Rebound");
    }
  }

  /**
   * Reads the key file, creating it first with a random key if it is not there. Nodes sharing the directory
   * may start at once: the key appears whole under its name (a link to a finished file) or not at all, and
   * every node uses what the file holds, never what it generated itself.
   */
  private static String readOrGenerate(Path file) {
    if (!Files.exists(file)) {
      try {
        Path directory = Files.createDirectories(file.toAbsolutePath().getParent());
        Path draft = Files.createTempFile(directory, file.getFileName() + ".", ".tmp");
        try {
          // A temporary file is readable by its owner only, and so is the key linked to it.
          byte[] random = new byte[MIN_LENGTH];
          new SecureRandom().nextBytes(random);
          Files.writeString(draft, Base64.getEncoder().encodeToString(random) + "\n", StandardCharsets.US_ASCII);
          Files.createLink(file, draft);
          LOG.info("Generated the audit key in {}: keep it with the engine database, the trail verifies only with it", file.toAbsolutePath());
        } catch (FileAlreadyExistsException e) {
          // another node generated it first: its key is the one
        } finally {
          Files.deleteIfExists(draft);
        }
      } catch (IOException | UnsupportedOperationException e) {
        throw new AuditKeyException("The audit key file " + file.toAbsolutePath() + " cannot be created: " + e.getMessage(),
            "Make its directory writable, or set " + KEY_FILE_PROPERTY + " or " + KEY_PROPERTY);
      }
    }
    return read(file);
  }

  /** The audit key is missing or unusable: Rebound does not start. */
  static final class AuditKeyException extends IllegalStateException {

    private final String action;

    AuditKeyException(String description, String action) {
      super(description);
      this.action = action;
    }

    String action() {
      return action;
    }
  }
}
