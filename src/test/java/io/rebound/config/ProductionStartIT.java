package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.identity.db.DbReadOnlyIdentityServiceProvider;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.GenericManagerFactory;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * The prod profile's start on a real in-memory engine (H2): what it finds in the identity service and what it
 * changes there, with its hashing. The rules alone are in {@link ProductionRulesTest}. Run with the integration
 * tests: building an engine takes seconds, more than mutation testing allows a unit test.
 */
class ProductionStartIT {

  static final String PASSWORD = "Chief-Admin-Pw-42";
  static ProcessEngine engine;
  static IdentityService identity;

  final MockEnvironment environment = new MockEnvironment();
  final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void startEngine() {
    engine = inMemoryEngine("production-start", null);
    identity = engine.getIdentityService();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void captureLog() {
    environment.setActiveProfiles("prod");
    log.start();
    ((Logger) LoggerFactory.getLogger(ProductionStart.class)).addAppender(log);
  }

  @AfterEach
  void emptyIdentities() {
    ((Logger) LoggerFactory.getLogger(ProductionStart.class)).detachAppender(log);
    identity.createUserQuery().list().forEach(user -> identity.deleteUser(user.getId()));
    identity.createGroupQuery().list().forEach(group -> identity.deleteGroup(group.getId()));
  }

  @Test
  void shouldRefuseAFreshStartWithoutAnAdministrator() {
    assertThatThrownBy(() -> start(null, null)).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("no administrator").hasMessageContaining("rebound.admin.username")
        .hasMessageContaining("rebound.admin.password-file").hasMessageContaining("rebound.admin.password");
  }

  @Test
  void shouldRefuseWhenTheAdministratorsGroupExistsButIsEmpty() {
    group(ReboundGroups.ADMINS);
    user("someone", "Someone-Pw-1", null);
    assertThatThrownBy(() -> start(null, null)).isInstanceOf(StartRefusedException.class).hasMessageContaining("no administrator");
  }

  @Test
  void shouldStartWithoutConfigurationWhenAnAdministratorExists() {
    group(ReboundGroups.ADMINS);
    user("existing", "Existing-Pw-1", null);
    identity.createMembership("existing", ReboundGroups.ADMINS);

    start(null, null);

    assertThat(identity.createUserQuery().count()).isEqualTo(1);
  }

  @Test
  void shouldCreateTheConfiguredAdministratorAndItsGroup() {
    start("chief", PASSWORD);

    assertThat(identity.checkPassword("chief", PASSWORD)).isTrue();
    Group admins = identity.createGroupQuery().groupId(ReboundGroups.ADMINS).singleResult();
    assertThat(admins.getName()).isEqualTo("Camunda administrators");
    assertThat(admins.getType()).isEqualTo("WORKFLOW");
    assertThat(identity.createUserQuery().memberOfGroup(ReboundGroups.ADMINS).list()).extracting(User::getId).containsExactly("chief");
    assertThat(messages()).contains("Administrator 'chief' created from rebound.admin.*", "Administrator 'chief' added to camunda-admin");
    assertThat(String.join("\n", messages())).doesNotContain(PASSWORD);
  }

  @Test
  void shouldKeepAnExistingGroupAndAnUnchangedPasswordAsTheyAre() {
    Group admins = identity.newGroup(ReboundGroups.ADMINS);
    admins.setName("Named by someone else");
    identity.saveGroup(admins);
    start("chief", PASSWORD);
    String hash = storedHash("chief");
    log.list.clear();

    start("chief", PASSWORD);

    assertThat(storedHash("chief")).as("not hashed again").isEqualTo(hash);
    assertThat(identity.createGroupQuery().groupId(ReboundGroups.ADMINS).singleResult().getName()).isEqualTo("Named by someone else");
    assertThat(messages()).isEmpty();
  }

  @Test
  void shouldSetTheConfiguredPasswordAgainWhenItChanged() {
    start("chief", PASSWORD);

    start("chief", "Chief-Rotated-Pw-43");

    assertThat(identity.checkPassword("chief", "Chief-Rotated-Pw-43")).isTrue();
    assertThat(messages()).contains("Password of administrator 'chief' set again from rebound.admin.* (it no longer matched)");
    assertThat(String.join("\n", messages())).doesNotContain("Chief-Rotated-Pw-43").doesNotContain(PASSWORD);
  }

  @Test
  void shouldSetAPasswordForAnExistingUserWithoutOne() {
    user("chief", null, null);

    start("chief", PASSWORD);

    assertThat(identity.checkPassword("chief", PASSWORD)).isTrue();
  }

  @Test
  void shouldMakeAnExistingUserTheAdministrator() {
    group(ReboundGroups.ADMINS);
    user("chief", PASSWORD, "Chief");

    start("chief", PASSWORD);

    assertThat(identity.createUserQuery().userId("chief").memberOfGroup(ReboundGroups.ADMINS).count()).isEqualTo(1);
    assertThat(messages()).containsExactly("Administrator 'chief' added to camunda-admin");
  }

  @Test
  void shouldRefuseAnAdministratorCamundaWouldNotSave() {
    assertThatThrownBy(() -> start("dba-lead", PASSWORD)).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("the administrator from rebound.admin.* cannot be saved").hasMessageContaining("dba-lead")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void shouldRefuseAnEngineDatabaseWithTheDemosMarkedUsers() {
    group(ReboundGroups.DEMO);
    group(ReboundGroups.ADMINS);
    user("visitor", "demo", "Visitor");
    identity.createMembership("visitor", ReboundGroups.DEMO);
    identity.createMembership("visitor", ReboundGroups.ADMINS);

    assertThatThrownBy(() -> start("chief", PASSWORD)).isInstanceOf(StartRefusedException.class)
        .hasMessageStartingWith("the engine database jdbc:h2:mem:production-start holds the demo's users [visitor]")
        .hasMessageContaining("spring.datasource.url");
    assertThat(identity.createUserQuery().userId("chief").count()).as("nothing created").isZero();
  }

  @Test
  void shouldRefuseTheDemosUsersFromBeforeTheyWereMarked() {
    group(ReboundGroups.DEMO);
    user("admin", "demo", "(demo)");
    user("operator", "demo", "(demo)");
    user("approver", "demo", "(demo)");
    identity.createMembership("operator", ReboundGroups.DEMO);

    assertThatThrownBy(() -> start("chief", PASSWORD)).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("holds the demo's users [operator, ").hasMessageContaining("admin").hasMessageContaining("approver");
  }

  @Test
  void shouldTakeUsersNamedLikeTheDemosButNotTheDemosForWhatTheyAre() {
    user("operator", "Op-Pw-1", "Smith");
    user("dba", "Dba-Pw-1", "(demo)");

    start("chief", PASSWORD);

    assertThat(identity.createUserQuery().count()).isEqualTo(3);
  }

  @Test
  void shouldRefuseToRunWithTheDemoProfile() {
    environment.setActiveProfiles("prod", "demo");
    assertThatThrownBy(() -> start("chief", PASSWORD)).isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("the demo and prod profiles are both active");
    assertThat(identity.createUserQuery().count()).isZero();
  }

  @Test
  void shouldWarnLoudlyOnH2() {
    start("chief", PASSWORD);

    assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN).singleElement()
        .extracting(ILoggingEvent::getFormattedMessage).asString()
        .contains("The engine database is H2 (jdbc:h2:mem:production-start)").contains("Production wants PostgreSQL")
        .contains("spring.datasource.url=jdbc:postgresql://");
  }

  @Test
  void shouldLogTheRefusalLoudlyAndStopTheStart() {
    ProductionStart start = new ProductionStart(engine, environment, new AdminProperties(null, null, null));

    assertThatThrownBy(start::afterSingletonsInstantiated).isInstanceOf(StartRefusedException.class);

    assertThat(log.list).filteredOn(event -> event.getLevel() == Level.ERROR).singleElement()
        .extracting(ILoggingEvent::getFormattedMessage).asString()
        .contains("Rebound refuses to start with the prod profile").contains("no administrator");
  }

  @Test
  void shouldRefuseAConfiguredAdministratorWhenUsersComeFromElsewhere() {
    ProcessEngine readOnly = inMemoryEngine("production-start-read-only", new GenericManagerFactory(DbReadOnlyIdentityServiceProvider.class));
    try {
      ProductionStart start = new ProductionStart(readOnly, environment, new AdminProperties("chief", PASSWORD, null));
      assertThatThrownBy(start::start).isInstanceOf(StartRefusedException.class)
          .hasMessageContaining("read-only identity service").hasMessageContaining("remove rebound.admin.*");
    } finally {
      readOnly.close();
    }
  }

  private void start(String username, String password) {
    new ProductionStart(engine, environment, new AdminProperties(username, password, null)).start();
  }

  private List<String> messages() {
    return log.list.stream().filter(event -> event.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static void group(String id) {
    identity.saveGroup(identity.newGroup(id));
  }

  private static void user(String id, String password, String lastName) {
    User user = identity.newUser(id);
    user.setPassword(password);
    user.setLastName(lastName);
    identity.saveUser(user);
  }

  private static String storedHash(String id) {
    return ((UserEntity) identity.createUserQuery().userId(id).singleResult()).getPassword();
  }

  private static ProcessEngine inMemoryEngine(String name, SessionFactory identityProvider) {
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) new StandaloneInMemProcessEngineConfiguration()
        .setProcessEngineName(name)
        .setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1")
        .setDatabaseSchemaUpdate("create-drop")
        .setJobExecutorActivate(false)
        .setHistory("none");
    // As application.yml allows, for group ids with dashes.
    configuration.setGroupResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9_-]*");
    if (identityProvider != null) {
      configuration.setIdentityProviderSessionFactory(identityProvider);
    }
    return configuration.buildProcessEngine();
  }
}
