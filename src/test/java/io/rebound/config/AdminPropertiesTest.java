package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.AdminProperties.Admin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminPropertiesTest {

  @TempDir Path directory;

  @Test
  void shouldHaveNoAdministratorWhenNothingIsSet() {
    assertThat(new AdminProperties(null, null, null).admin()).isEmpty();
    assertThat(new AdminProperties("  ", "", null).admin()).isEmpty();
  }

  @Test
  void shouldTakeTheAdministratorWithAPasswordFromTheEnvironment() {
    assertThat(new AdminProperties(" chief ", "Chief-Pw-1", null).admin()).contains(new Admin("chief", "Chief-Pw-1"));
  }

  @Test
  void shouldTakeThePasswordFromTheFirstLineOfItsFileBeforeAnyOther() throws Exception {
    Path file = Files.writeString(directory.resolve("admin"), "  From-File-Pw-2 \nsecond line\n");
    assertThat(new AdminProperties("chief", "Ignored-Pw", file).admin()).contains(new Admin("chief", "From-File-Pw-2"));
  }

  @Test
  void shouldRefuseAPasswordWithoutAUserName() throws Exception {
    assertThatThrownBy(() -> new AdminProperties(null, "Chief-Pw-1", null).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("without rebound.admin.username").hasMessageNotContaining("Chief-Pw-1");
    Path file = Files.writeString(directory.resolve("admin"), "Chief-Pw-1");
    assertThatThrownBy(() -> new AdminProperties("", null, file).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("without rebound.admin.username");
  }

  @Test
  void shouldRefuseAUserNameWithoutAPassword() {
    assertThatThrownBy(() -> new AdminProperties("chief", null, null).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessage("rebound.admin.username is set to 'chief' without a password: set rebound.admin.password-file"
            + " (a mounted secret) or rebound.admin.password (from an environment variable)");
    assertThatThrownBy(() -> new AdminProperties("chief", "", null).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("without a password");
  }

  @Test
  void shouldRefuseAnEmptyOrUnreadablePasswordFile() throws Exception {
    Path empty = Files.writeString(directory.resolve("empty"), "\n");
    assertThatThrownBy(() -> new AdminProperties("chief", null, empty).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("is empty");
    Path none = Files.writeString(directory.resolve("none"), "");
    assertThatThrownBy(() -> new AdminProperties("chief", null, none).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("is empty");
    Path missing = directory.resolve("missing");
    assertThatThrownBy(() -> new AdminProperties("chief", "Chief-Pw-1", missing).admin()).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining(missing + " cannot be read (NoSuchFileException)");
  }

  @Test
  void shouldNeverShowThePasswordAsText() {
    assertThat(new AdminProperties("chief", "Chief-Pw-1", null).toString()).doesNotContain("Chief-Pw-1").contains("chief");
    assertThat(new AdminProperties("chief", null, Path.of("/run/secrets/admin")).toString()).contains("password=null")
        .contains("/run/secrets/admin");
    assertThat(new Admin("chief", "Chief-Pw-1").toString()).doesNotContain("Chief-Pw-1").contains("chief");
  }
}
