package io.rebound.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The first administrator of a production install, under {@code rebound.admin.*}: created at start, member of
 * {@code camunda-admin}. Its password comes from a file (a mounted secret) or from the environment; the
 * password is never logged.
 *
 * @param username the administrator's user id
 * @param password its password, e.g. {@code ${REBOUND_ADMIN_PASSWORD}}; a password file wins over it
 * @param passwordFile a file holding the password (its first line), e.g. {@code /run/secrets/rebound-admin}
 */
@ConfigurationProperties("rebound.admin")
public record AdminProperties(String username, String password, Path passwordFile) {

  /** The configured administrator, or empty when none is; refuses a half or unreadable configuration. */
  Optional<Admin> admin() {
    boolean named = username != null && !username.isBlank();
    boolean hasPassword = passwordFile != null || (password != null && !password.isEmpty());
    if (!named && !hasPassword) {
      return Optional.empty();
    }
    if (!named) {
      throw new StartRefusedException("rebound.admin.password or rebound.admin.password-file is set without"
          + " rebound.admin.username: set the administrator's user name too");
    }
    if (!hasPassword) {
      throw new StartRefusedException("rebound.admin.username is set to '" + username.strip() + "' without a password: set"
          + " rebound.admin.password-file (a mounted secret) or rebound.admin.password (from an environment variable)");
    }
    String secret = passwordFile != null ? readFirstLine(passwordFile) : password;
    if (secret.isEmpty()) {
      throw new StartRefusedException("rebound.admin.password-file " + passwordFile + " is empty: put the administrator's password"
          + " on its first line");
    }
    return Optional.of(new Admin(username.strip(), secret));
  }

  private static String readFirstLine(Path file) {
    try {
      return Files.readAllLines(file).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new StartRefusedException("rebound.admin.password-file " + file + " cannot be read (" + e.getClass().getSimpleName()
          + "): mount the secret there or correct the path");
    }
  }

  @Override
  public String toString() {
    return "AdminProperties[username=" + username + ", password=" + (password == null ? "null" : "******") + ", passwordFile="
        + passwordFile + "]";
  }

  /** A configured administrator. */
  record Admin(String username, String password) {
    @Override
    public String toString() {
      return "Admin[username=" + username + ", password=******]";
    }
  }
}
