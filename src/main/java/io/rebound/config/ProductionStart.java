package io.rebound.config;

import io.rebound.config.AdminProperties.Admin;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.EncryptionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * What the prod profile checks and sets up once every bean exists and before the web server takes a request,
 * by the {@link ProductionRules}: never together with the demo profile, never on an engine database that
 * holds the demo's users, never without an administrator; a loud warning on H2. The administrator from
 * {@code rebound.admin.*} is created, or brought back in line: member of {@code camunda-admin}, and its
 * password set again when the configured one no longer matches (the configuration is authoritative for that
 * account: rotating the secret and restarting rotates the password, and it is the way back into a locked-out
 * install). A refusal stops the start with a message that says what to set.
 */
@Component
@Profile("prod")
class ProductionStart implements SmartInitializingSingleton {

  private static final Logger LOG = LoggerFactory.getLogger(ProductionStart.class);

  private final ProcessEngine engine;
  private final IdentityService identity;
  private final Environment environment;
  private final AdminProperties adminProperties;

  ProductionStart(ProcessEngine engine, Environment environment, AdminProperties adminProperties) {
    this.engine = engine;
    this.identity = engine.getIdentityService();
    this.environment = environment;
    this.adminProperties = adminProperties;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      start();
    } catch (StartRefusedException e) {
      LOG.error(ProductionRules.refusal(e.getMessage()));
      throw e;
    }
  }

  void start() {
    ProductionRules.checkProfiles(environment.acceptsProfiles(Profiles.of("demo")));
    String databaseUrl;
    try (Connection connection = engine.getProcessEngineConfiguration().getDataSource().getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      databaseUrl = ProductionRules.withoutParameters(metaData.getURL());
      ProductionRules.engineDatabaseWarning(metaData.getDatabaseProductName(), databaseUrl).ifPresent(LOG::warn);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read which database the engine uses", e);
    }
    List<String> marked = identity.createUserQuery().memberOfGroup(ReboundGroups.DEMO).list().stream().map(User::getId).toList();
    Map<String, String> lastNames = new HashMap<>();
    for (User user : identity.createUserQuery().userIdIn(ProductionRules.UNMARKED_DEMO_USERS.toArray(String[]::new)).list()) {
      lastNames.put(user.getId(), user.getLastName());
    }
    ProductionRules.checkDemoUsers(ProductionRules.demoUsers(marked, lastNames), databaseUrl);
    Optional<Admin> admin = adminProperties.admin();
    ProductionRules.checkAdministrator(admin, identity.createUserQuery().memberOfGroup(ReboundGroups.ADMINS).count() > 0,
        identity.isReadOnly());
    admin.ifPresent(this::ensureAdmin);
  }

  private void ensureAdmin(Admin admin) {
    User user = identity.createUserQuery().userId(admin.username()).singleResult();
    if (user == null) {
      user = identity.newUser(admin.username());
      user.setPassword(admin.password());
      save(user);
      LOG.info("Administrator '{}' created from rebound.admin.*", admin.username());
    } else if (!passwordMatches(user, admin.password())) {
      user.setPassword(admin.password());
      save(user);
      LOG.info("Password of administrator '{}' set again from rebound.admin.* (it no longer matched)", admin.username());
    }
    if (identity.createGroupQuery().groupId(ReboundGroups.ADMINS).count() == 0) {
      // Named as AuthorizationSetup names it, which gives the group its authorizations once the application is ready.
      Group group = identity.newGroup(ReboundGroups.ADMINS);
      group.setName("Camunda administrators");
      group.setType("WORKFLOW");
      identity.saveGroup(group);
    }
    if (identity.createUserQuery().userId(admin.username()).memberOfGroup(ReboundGroups.ADMINS).count() == 0) {
      identity.createMembership(admin.username(), ReboundGroups.ADMINS);
      LOG.info("Administrator '{}' added to {}", admin.username(), ReboundGroups.ADMINS);
    }
  }

  /** Saves the administrator; Camunda's refusal (a user id it does not allow, a password policy) stops the start. */
  private void save(User user) {
    try {
      identity.saveUser(user);
    } catch (ProcessEngineException e) {
      // Camunda's messages name the user id or the policy, never the password.
      throw new StartRefusedException("the administrator from rebound.admin.* cannot be saved: " + e.getMessage());
    }
  }

  /**
   * Compares with the stored hash the way the engine does, without a login attempt: a failed
   * {@code checkPassword} would count towards locking the account.
   */
  private boolean passwordMatches(User user, String password) {
    if (!(user instanceof UserEntity entity) || entity.getPassword() == null
        || !(engine.getProcessEngineConfiguration() instanceof ProcessEngineConfigurationImpl configuration)) {
      return false;
    }
    return configuration.getPasswordManager().check(EncryptionUtil.saltPassword(password, entity.getSalt()), entity.getPassword());
  }
}
