package io.rebound.config;

import io.rebound.config.AdminProperties.Admin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of a production start, on what is configured and what the engine database holds. They decide
 * only: {@link ProductionStart} finds the facts and carries out the outcome, so each rule is tested alone.
 */
final class ProductionRules {

  /** Users the demo created before it marked them with its group, known by their names and last name. */
  static final List<String> UNMARKED_DEMO_USERS = List.of("operator", "approver", "admin");
  static final String DEMO_LAST_NAME = "(demo)";

  private ProductionRules() {}

  static void checkProfiles(boolean demoActive) {
    if (demoActive) {
      throw new StartRefusedException("the demo and prod profiles are both active: choose one (--spring.profiles.active=prod)");
    }
  }

  /**
   * The demo's users: those marked as such, then those the demo created before it marked them.
   *
   * @param marked the members of {@link ReboundGroups#DEMO}
   * @param lastNames the last names of the users named like the demo's ({@link #UNMARKED_DEMO_USERS}), by user id
   */
  static List<String> demoUsers(List<String> marked, Map<String, String> lastNames) {
    List<String> found = new ArrayList<>(marked);
    for (String user : UNMARKED_DEMO_USERS) {
      if (DEMO_LAST_NAME.equals(lastNames.get(user)) && !found.contains(user)) {
        found.add(user);
      }
    }
    return found;
  }

  /**
   * Refuses an engine database that holds the demo's users: it is the demo's, history included. Refused rather
   * than cleaned: removing or locking the users would leave the demo's runs in production's history and change
   * a database someone may still want as it is; the fix is pointing at the right database.
   */
  static void checkDemoUsers(List<String> demoUsers, String databaseUrl) {
    if (!demoUsers.isEmpty()) {
      throw new StartRefusedException("the engine database " + databaseUrl + " holds the demo's users " + demoUsers
          + ", whose password is known: it is a demo database. Point spring.datasource.url at the production engine database"
          + " (the demo keeps its own under rebound.demo.directory; one that an older demo left here can be deleted)");
    }
  }

  /**
   * Nobody can create the first administrator over HTTP, so one must be configured or exist already; a
   * configured one needs an identity service Rebound can write to.
   */
  static void checkAdministrator(Optional<Admin> configured, boolean administratorExists, boolean identityReadOnly) {
    if (configured.isEmpty() && !administratorExists) {
      throw new StartRefusedException("no administrator: no user is in " + ReboundGroups.ADMINS + " and none is configured."
          + " Set rebound.admin.username and rebound.admin.password-file (a mounted secret) or rebound.admin.password"
          + " (from an environment variable, e.g. REBOUND_ADMIN_PASSWORD)");
    }
    if (configured.isPresent() && identityReadOnly) {
      throw new StartRefusedException("rebound.admin.username is set, but users come from a read-only identity service (LDAP):"
          + " put the administrator in the directory's " + ReboundGroups.ADMINS + " group and remove rebound.admin.*");
    }
  }

  /** A loud warning when the engine database is H2, which production should not use. */
  static Optional<String> engineDatabaseWarning(String productName, String url) {
    if (!"H2".equalsIgnoreCase(productName)) {
      return Optional.empty();
    }
    return Optional.of("""

        ************************************************************************************
        *  The engine database is H2 (%s).
        *  Production wants PostgreSQL: a clustered, backed-up database that several
        *  Rebound nodes can share. Set spring.datasource.url=jdbc:postgresql://...,
        *  spring.datasource.username and spring.datasource.password.
        ************************************************************************************""".formatted(withoutParameters(url)));
  }

  static String refusal(String message) {
    return """

        ************************************************************************************
        *  Rebound refuses to start with the prod profile:
        *  %s
        ************************************************************************************""".formatted(message);
  }

  /** A JDBC URL without its parameters, which may carry credentials. */
  static String withoutParameters(String url) {
    return url == null ? "(unknown)" : url.split("[;?]", 2)[0];
  }
}
