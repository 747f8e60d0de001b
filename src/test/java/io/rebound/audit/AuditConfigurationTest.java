package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Where the audit key and the anchor come from in each profile, read from the application's own configuration files. */
@ExtendWith(OutputCaptureExtension.class)
class AuditConfigurationTest {

  @TempDir Path directory;

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({AuditProperties.class, ReboundProperties.class})
  @Import(AuditConfiguration.class)
  static class AuditOnly {}

  private ConfigurableApplicationContext start(String profile, String... properties) {
    return new SpringApplicationBuilder(AuditOnly.class).web(WebApplicationType.NONE).profiles(profile).logStartupInfo(false)
        .run(properties);
  }

  @Test
  void shouldKeepTheDemoKeyAndAnchorUnderTheDemoDirectory() {
    try (ConfigurableApplicationContext context = start("demo", "--rebound.demo.directory=" + directory.resolve("demo"),
        "--rebound.work-directory=" + directory.resolve("jobs"))) {
      AuditKey key = context.getBean(AuditKey.class);
      assertThat(directory.resolve("demo/audit-hmac.key")).exists();
      assertThat(new AuditKey(read(directory.resolve("demo/audit-hmac.key"))).id()).isEqualTo(key.id());
      assertThat(context.getBean(AuditAnchor.class).location()).isEqualTo(directory.resolve("demo/audit-anchor.json").toString());
    }
  }

  @Test
  void shouldGenerateTheKeyIntoTheWorkDirectoryOutsideProduction() {
    try (ConfigurableApplicationContext context = start("it", "--rebound.work-directory=" + directory)) {
      assertThat(context.getBean(AuditKey.class).id()).isEqualTo(new AuditKey(read(directory.resolve("audit-hmac.key"))).id());
      assertThat(context.getBean(AuditAnchor.class).location()).isEqualTo(directory.resolve("audit-anchor.json").toString());
    }
  }

  @Test
  void shouldTakeTheKeyAndTheAnchorFromConfiguration() {
    try (ConfigurableApplicationContext context = start("prod", "--rebound.audit.hmac-key=configured-audit-key-0123456789abcdef",
        "--rebound.audit.anchor-file=" + directory.resolve("anchors/head.json"), "--rebound.work-directory=" + directory)) {
      assertThat(context.getBean(AuditKey.class).id()).isEqualTo(new AuditKey("configured-audit-key-0123456789abcdef").id());
      assertThat(context.getBean(AuditAnchor.class).location()).isEqualTo(directory.resolve("anchors/head.json").toString());
      assertThat(directory.resolve("audit-hmac.key")).doesNotExist();
    }
  }

  @Test
  void shouldRefuseToStartInProductionWithoutAKeyAndSayWhatToSet(CapturedOutput output) {
    assertThatThrownBy(() -> start("prod", "--rebound.work-directory=" + directory).close()).hasRootCauseInstanceOf(AuditKey.AuditKeyException.class);

    assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "No audit key is configured",
        "Set rebound.audit.hmac-key-file to a file holding the key (e.g. a mounted secret), or rebound.audit.hmac-key");
    assertThat(directory.resolve("audit-hmac.key")).doesNotExist();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
