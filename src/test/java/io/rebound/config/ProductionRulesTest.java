package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.AdminProperties.Admin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProductionRulesTest {

  static final Optional<Admin> CONFIGURED = Optional.of(new Admin("chief", "Chief-Pw-1"));

  @Test
  void shouldRefuseToRunWithTheDemoProfile() {
    assertThatThrownBy(() -> ProductionRules.checkProfiles(true)).isInstanceOf(StartRefusedException.class)
        .hasMessage("the demo and prod profiles are both active: choose one (--spring.profiles.active=prod)");
    assertThatCode(() -> ProductionRules.checkProfiles(false)).doesNotThrowAnyException();
  }

  @Test
  void shouldFindTheDemosMarkedUsersAndThoseItLeftUnmarked() {
    assertThat(ProductionRules.demoUsers(List.of("visitor", "operator"),
        Map.of("operator", "(demo)", "approver", "(demo)", "admin", "(demo)")))
        .containsExactly("visitor", "operator", "approver", "admin");
  }

  @Test
  void shouldTakeUsersNamedLikeTheDemosButNotTheDemosForWhatTheyAre() {
    assertThat(ProductionRules.demoUsers(List.of(), Map.of("operator", "Smith", "dba", "(demo)"))).isEmpty();
    Map<String, String> noLastName = new java.util.HashMap<>();
    noLastName.put("admin", null);
    assertThat(ProductionRules.demoUsers(List.of(), noLastName)).isEmpty();
  }

  @Test
  void shouldRefuseAnEngineDatabaseWithTheDemosUsers() {
    assertThatThrownBy(() -> ProductionRules.checkDemoUsers(List.of("operator", "admin"), "jdbc:h2:file:./data/rebound-engine"))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageStartingWith("the engine database jdbc:h2:file:./data/rebound-engine holds the demo's users [operator, admin]")
        .hasMessageContaining("Point spring.datasource.url at the production engine database")
        .hasMessageContaining("one that an older demo left here can be deleted");
    assertThatCode(() -> ProductionRules.checkDemoUsers(List.of(), "jdbc:h2:mem:x")).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAStartWithoutAnyAdministrator() {
    assertThatThrownBy(() -> ProductionRules.checkAdministrator(Optional.empty(), false, false))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageStartingWith("no administrator: no user is in camunda-admin and none is configured")
        .hasMessageContaining("rebound.admin.username").hasMessageContaining("rebound.admin.password-file")
        .hasMessageContaining("REBOUND_ADMIN_PASSWORD");
  }

  @Test
  void shouldStartWithAnExistingOrAConfiguredAdministrator() {
    assertThatCode(() -> ProductionRules.checkAdministrator(Optional.empty(), true, false)).doesNotThrowAnyException();
    assertThatCode(() -> ProductionRules.checkAdministrator(Optional.empty(), true, true)).doesNotThrowAnyException();
    assertThatCode(() -> ProductionRules.checkAdministrator(CONFIGURED, false, false)).doesNotThrowAnyException();
    assertThatCode(() -> ProductionRules.checkAdministrator(CONFIGURED, true, false)).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAConfiguredAdministratorWhenUsersComeFromElsewhere() {
    for (boolean exists : new boolean[] {false, true}) {
      assertThatThrownBy(() -> ProductionRules.checkAdministrator(CONFIGURED, exists, true))
          .isInstanceOf(StartRefusedException.class)
          .hasMessageContaining("read-only identity service").hasMessageContaining("remove rebound.admin.*");
    }
  }

  @Test
  void shouldWarnLoudlyOnH2Only() {
    assertThat(ProductionRules.engineDatabaseWarning("H2", "jdbc:h2:file:./data/rebound-engine;DB_CLOSE_ON_EXIT=FALSE"))
        .hasValueSatisfying(warning -> assertThat(warning)
            .contains("The engine database is H2 (jdbc:h2:file:./data/rebound-engine).")
            .contains("Production wants PostgreSQL").contains("spring.datasource.url=jdbc:postgresql://")
            .doesNotContain("DB_CLOSE_ON_EXIT"));
    assertThat(ProductionRules.engineDatabaseWarning("h2", "jdbc:h2:mem:x")).isPresent();
    assertThat(ProductionRules.engineDatabaseWarning("PostgreSQL", "jdbc:postgresql://db/rebound")).isEmpty();
  }

  @Test
  void shouldSayWhyItRefuses() {
    assertThat(ProductionRules.refusal("no administrator")).contains("Rebound refuses to start with the prod profile")
        .contains("*  no administrator");
  }

  @Test
  void shouldShowAJdbcUrlWithoutItsParameters() {
    assertThat(ProductionRules.withoutParameters("jdbc:h2:file:./data/rebound-engine;DB_CLOSE_ON_EXIT=FALSE"))
        .isEqualTo("jdbc:h2:file:./data/rebound-engine");
    assertThat(ProductionRules.withoutParameters("jdbc:postgresql://db:5432/rebound?user=r&password=secret"))
        .isEqualTo("jdbc:postgresql://db:5432/rebound");
    assertThat(ProductionRules.withoutParameters("jdbc:x://h/db?a=1;b=2")).isEqualTo("jdbc:x://h/db");
    assertThat(ProductionRules.withoutParameters("jdbc:x://h/db;a=1?b=2")).isEqualTo("jdbc:x://h/db");
    assertThat(ProductionRules.withoutParameters("jdbc:postgresql://db/rebound")).isEqualTo("jdbc:postgresql://db/rebound");
    assertThat(ProductionRules.withoutParameters(null)).isEqualTo("(unknown)");
  }
}
