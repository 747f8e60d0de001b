package io.rebound.storage;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything under {@code rebound.storage.s3.*}: where backups are kept. Checked when bound, so a half or wrong
 * configuration stops the start with the setting named. No bucket and nothing else set means no storage.
 *
 * @param endpoint the store's URL (MinIO, Ceph...); absent: AWS
 * @param region the region; {@code us-east-1} for an endpoint without one, the SDK's chain for AWS
 * @param bucket the bucket
 * @param prefix every key starts with it, e.g. {@code rebound}
 * @param pathStyleAccess {@code http://host/bucket/key} rather than {@code http://bucket.host/key} (MinIO)
 * @param accessKeyId with {@code secretAccessKey}; both absent: the SDK's default credentials chain
 * @param secretAccessKey never logged, masked by the audit trail's redactor
 * @param objectLock retention applied to every object written, optional
 * @param serverSideEncryption {@code AES256} or {@code aws:kms}, optional
 */
@ConfigurationProperties("rebound.storage.s3")
public record S3StorageProperties(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyleAccess,
    String accessKeyId,
    String secretAccessKey,
    ObjectLock objectLock,
    String serverSideEncryption) {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Object-lock retention: mode and days from the write. */
  public record ObjectLock(String mode, Integer days) {}

  public S3StorageProperties {
    boolean anythingElse = endpoint != null || region != null || prefix != null || accessKeyId != null || secretAccessKey != null
        || objectLock != null || serverSideEncryption != null;
    if (bucket == null || bucket.isBlank()) {
      if (anythingElse) {
        throw new IllegalArgumentException("rebound.storage.s3.bucket is required once any rebound.storage.s3 setting is given:"
            + " set the bucket backups are kept in");
      }
    } else {
      check(BUCKET.matcher(bucket).matches(), "rebound.storage.s3.bucket '" + bucket + "' is not a bucket name: 3 to 63 lower-case"
          + " letters, digits, dots and dashes");
      check(prefix == null || prefix.isEmpty() || (PREFIX.matcher(prefix).matches() && !prefix.matches("(.*/)?\\.\\.?(/.*)?")),
          "rebound.storage.s3.prefix '" + prefix + "' must be path segments of letters, digits, '.', '_' and '-' separated by '/',"
              + " without a leading or trailing '/' and without '.' or '..' segments");
      check(endpoint == null || (("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) && endpoint.getHost() != null),
          "rebound.storage.s3.endpoint '" + endpoint + "' must be an http:// or https:// URL with a host, e.g. http://minio:9000");
      boolean hasId = accessKeyId != null && !accessKeyId.isBlank();
      boolean hasSecret = secretAccessKey != null && !secretAccessKey.isEmpty();
      check(hasId == hasSecret, hasId ? "rebound.storage.s3.access-key-id is set without rebound.storage.s3.secret-access-key: set"
          + " both, or neither to use the SDK's default credentials chain" : "rebound.storage.s3.secret-access-key is set without"
          + " rebound.storage.s3.access-key-id: set both, or neither to use the SDK's default credentials chain");
      if (objectLock != null) {
        check(objectLock.mode() != null && ("GOVERNANCE".equals(objectLock.mode().toUpperCase(Locale.ROOT))
            || "COMPLIANCE".equals(objectLock.mode().toUpperCase(Locale.ROOT))), "rebound.storage.s3.object-lock.mode must be"
            + " GOVERNANCE or COMPLIANCE, not '" + objectLock.mode() + "'");
        check(objectLock.days() != null && objectLock.days() > 0, "rebound.storage.s3.object-lock.days must be a number of days above 0"
            + " (the retention every object gets from its write)");
      }
      check(serverSideEncryption == null || "AES256".equals(serverSideEncryption) || "aws:kms".equals(serverSideEncryption),
          "rebound.storage.s3.server-side-encryption must be AES256 or aws:kms, not '" + serverSideEncryption + "'");
    }
  }

  /** Whether a bucket is configured at all. */
  public boolean configured() {
    return bucket != null && !bucket.isBlank();
  }

  /** The key under the configured prefix. */
  public String key(String relative) {
    return prefix == null || prefix.isEmpty() ? relative : prefix + "/" + relative;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public String toString() {
    return "S3StorageProperties[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
        + ", pathStyleAccess=" + pathStyleAccess + ", accessKeyId=" + accessKeyId + ", secretAccessKey="
        + (secretAccessKey == null ? null : "******") + ", objectLock=" + objectLock + ", serverSideEncryption=" + serverSideEncryption + "]";
  }
}
