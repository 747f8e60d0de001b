package io.rebound.storage;

import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the SDK's client from {@code rebound.storage.s3.*}. */
public final class S3Clients {

  private S3Clients() {}

  /**
   * A client for the configured store. Checksums are added where Rebound asks for them (SHA-256 on every object and
   * part) rather than on every request by default: several S3-compatible stores refuse the SDK's default CRC32
   * trailers, and Rebound checks every download against the SHA-256 itself.
   */
  public static S3Client create(S3StorageProperties settings, List<ExecutionInterceptor> interceptors) {
    S3ClientBuilder builder = S3Client.builder()
        .forcePathStyle(settings.pathStyleAccess())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(override -> interceptors.forEach(override::addExecutionInterceptor));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    if (settings.region() != null && !settings.region().isBlank()) {
      builder.region(Region.of(settings.region()));
    } else if (settings.endpoint() != null) {
      builder.region(Region.US_EAST_1);
    }
    if (settings.accessKeyId() != null && !settings.accessKeyId().isBlank()) {
      builder.credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }
}
