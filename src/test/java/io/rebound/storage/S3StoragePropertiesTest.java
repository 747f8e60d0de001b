package io.rebound.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.services.s3.model.Part;

class S3StoragePropertiesTest {

  private static final URI MINIO = URI.create("http://minio:9000");

  @EnableConfigurationProperties(S3StorageProperties.class)
  static class Binding {}

  private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Binding.class);

  @Test
  void shouldBindTheSettingsByTheirNames() {
    context.withPropertyValues("rebound.storage.s3.endpoint=http://minio:9000", "rebound.storage.s3.region=eu-west-3",
        "rebound.storage.s3.bucket=backups", "rebound.storage.s3.prefix=rebound", "rebound.storage.s3.path-style-access=true",
        "rebound.storage.s3.access-key-id=AKIA", "rebound.storage.s3.secret-access-key=Secret-Key-1",
        "rebound.storage.s3.object-lock.mode=GOVERNANCE", "rebound.storage.s3.object-lock.days=30",
        "rebound.storage.s3.server-side-encryption=aws:kms").run(started -> {
          S3StorageProperties settings = started.getBean(S3StorageProperties.class);
          assertThat(settings).isEqualTo(new S3StorageProperties(MINIO, "eu-west-3", "backups", "rebound", true, "AKIA", "Secret-Key-1",
              new S3StorageProperties.ObjectLock("GOVERNANCE", 30), "aws:kms"));
          assertThat(settings.configured()).isTrue();
          assertThat(settings.key("backups/x")).isEqualTo("rebound/backups/x");
          assertThat(settings.toString()).doesNotContain("Secret-Key-1").contains("******", "AKIA");
        });
  }

  @Test
  void shouldBeAbsentWhenNothingIsSet() {
    context.run(started -> {
      S3StorageProperties settings = started.getBean(S3StorageProperties.class);
      assertThat(settings.configured()).isFalse();
      assertThat(settings.toString()).contains("secretAccessKey=null");
    });
  }

  @Test
  void shouldRefuseToStartWithAHalfConfigurationNamingTheSetting() {
    context.withPropertyValues("rebound.storage.s3.endpoint=http://minio:9000").run(started ->
        assertThat(started).hasFailed().getFailure().rootCause().hasMessageContaining("rebound.storage.s3.bucket is required"));
    context.withPropertyValues("rebound.storage.s3.bucket=backups", "rebound.storage.s3.secret-access-key=Secret-Key-2").run(started ->
        assertThat(started).hasFailed().getFailure().rootCause().hasMessageContaining("without rebound.storage.s3.access-key-id")
            .message().doesNotContain("Secret-Key-2"));
  }

  private static S3StorageProperties with(String bucket, String prefix, URI endpoint, String id, String secret,
      S3StorageProperties.ObjectLock lock, String encryption) {
    return new S3StorageProperties(endpoint, null, bucket, prefix, false, id, secret, lock, encryption);
  }

  @Test
  void shouldRefuseEachWrongSettingWithItsReason() {
    assertThatThrownBy(() -> with("Backups", null, null, null, null, null, null)).hasMessageContaining("bucket 'Backups'");
    assertThatThrownBy(() -> with("ab", null, null, null, null, null, null)).hasMessageContaining("bucket 'ab'");
    assertThatThrownBy(() -> with("backups", "/rebound", null, null, null, null, null)).hasMessageContaining("prefix '/rebound'");
    assertThatThrownBy(() -> with("backups", "rebound/", null, null, null, null, null)).hasMessageContaining("prefix");
    assertThatThrownBy(() -> with("backups", "a/../b", null, null, null, null, null)).hasMessageContaining("prefix");
    assertThatThrownBy(() -> with("backups", "..", null, null, null, null, null)).hasMessageContaining("prefix");
    assertThatThrownBy(() -> with("backups", null, URI.create("ftp://minio"), null, null, null, null)).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> with("backups", null, URI.create("http:/nohost"), null, null, null, null)).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> with("backups", null, null, "AKIA", null, null, null)).hasMessageContaining("access-key-id is set without");
    assertThatThrownBy(() -> with("backups", null, null, "  ", "Secret", null, null)).hasMessageContaining("secret-access-key is set without");
    assertThatThrownBy(() -> with("backups", null, null, null, null, new S3StorageProperties.ObjectLock("LEGAL", 3), null))
        .hasMessageContaining("GOVERNANCE or COMPLIANCE");
    assertThatThrownBy(() -> with("backups", null, null, null, null, new S3StorageProperties.ObjectLock(null, 3), null))
        .hasMessageContaining("GOVERNANCE or COMPLIANCE");
    assertThatThrownBy(() -> with("backups", null, null, null, null, new S3StorageProperties.ObjectLock("compliance", 0), null))
        .hasMessageContaining("days");
    assertThatThrownBy(() -> with("backups", null, null, null, null, new S3StorageProperties.ObjectLock("GOVERNANCE", null), null))
        .hasMessageContaining("days");
    assertThatThrownBy(() -> with("backups", null, null, null, null, null, "aes256")).hasMessageContaining("AES256 or aws:kms");
    assertThatThrownBy(() -> with(" ", "x", null, null, null, null, null)).hasMessageContaining("bucket is required");
  }

  @Test
  void shouldAcceptACompleteConfiguration() {
    S3StorageProperties settings = with("backups.eu-1", "a/b_c/d-e.f", URI.create("https://s3.example.com"), "AKIA", "Secret",
        new S3StorageProperties.ObjectLock("compliance", 7), "AES256");
    assertThat(settings.key("x")).isEqualTo("a/b_c/d-e.f/x");
    assertThat(with("backups", "", null, null, null, null, null).key("x")).isEqualTo("x");
    assertThat(with("backups", null, null, null, null, null, "aws:kms").configured()).isTrue();
  }

  @Test
  void shouldRecogniseAFinishedPartByItsChecksumOrElseByItsEtag() {
    byte[] bytes = "part one".getBytes();
    String sha = Checksums.sha256Base64(bytes, bytes.length);
    String md5 = Checksums.md5Hex(bytes, bytes.length);
    assertThat(ObjectStore.sameBytes(Part.builder().checksumSHA256(sha).eTag("\"whatever\"").build(), sha, bytes, bytes.length)).isTrue();
    assertThat(ObjectStore.sameBytes(Part.builder().checksumSHA256("other").eTag("\"" + md5 + "\"").build(), sha, bytes, bytes.length)).isFalse();
    assertThat(ObjectStore.sameBytes(Part.builder().eTag("\"" + md5.toUpperCase() + "\"").build(), sha, bytes, bytes.length)).isTrue();
    assertThat(ObjectStore.sameBytes(Part.builder().eTag("\"0000\"").build(), sha, bytes, bytes.length)).isFalse();
    assertThat(ObjectStore.sameBytes(Part.builder().build(), sha, bytes, bytes.length)).isFalse();
  }
}
