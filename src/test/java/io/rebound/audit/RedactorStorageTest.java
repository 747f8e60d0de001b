package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.storage.S3StorageProperties;
import io.rebound.target.Targets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorStorageTest {

  private final Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
      new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));

  @Test
  void shouldMaskTheStorageSecretAccessKeyWhereverItAppears() {
    S3StorageProperties storage = new S3StorageProperties(URI.create("http://minio:9000"), null, "backups", "rebound", true,
        "AKIAREBOUND", "wJalr-Storage-Secret", null, null);

    String text = new Redactor(targets, null, storage).redact("aws s3 cp --secret wJalr-Storage-Secret s3://backups/x");

    assertThat(text).isEqualTo("aws s3 cp --secret *** s3://backups/x");
  }

  @Test
  void shouldRedactWithoutStorageConfigured() {
    S3StorageProperties none = new S3StorageProperties(null, null, null, null, false, null, null, null, null);

    assertThat(new Redactor(targets, null, none).redact("nothing secret here")).isEqualTo("nothing secret here");
    assertThat(new Redactor(targets, null, null).redact("nothing secret here")).isEqualTo("nothing secret here");
  }
}
