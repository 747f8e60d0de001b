package io.rebound.config;

import io.rebound.restore.RestoreProfile;
import io.rebound.target.TargetProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code rebound.*}.
 *
 * @param targets the databases Rebound may work on, by name
 * @param restoreProfiles named sets of schema-restore inputs, so a request names only target and dump
 * @param workDirectory where the logs and state of running external jobs (pg_restore, pg_dump) are kept
 * @param steps engine settings of the runbook steps
 */
@ConfigurationProperties("rebound")
public record ReboundProperties(
    Map<String, TargetProperties> targets,
    Map<String, RestoreProfile> restoreProfiles,
    @DefaultValue("./data/jobs") Path workDirectory,
    @DefaultValue Steps steps) {

  /**
   * What a target's name may be: it becomes part of process keys, timer event ids, object keys in the bucket and
   * file names, so it holds letters, digits, {@code _} and {@code -} only, starting with a letter.
   */
  static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

  public ReboundProperties {
    targets = targets == null ? Map.of() : Map.copyOf(targets);
    targets.keySet().stream().filter(name -> !TARGET_NAME.matcher(name).matches()).findFirst().ifPresent(name -> {
      throw new IllegalArgumentException("rebound.targets: the name '" + name + "' is not allowed; a target's name is a letter, then"
          + " up to 62 letters, digits, '_' or '-' (it becomes part of process keys, object keys and file names)");
    });
    restoreProfiles = restoreProfiles == null ? Map.of() : Map.copyOf(restoreProfiles);
  }

  /**
   * @param retryCycle the {@code failedJobRetryTimeCycle} of every step that touches a target
   * @param approvalTimeout how long an approval waits before the run expires
   * @param pollInterval how often a running import or export is looked at
   */
  public record Steps(
      @DefaultValue("R3/PT30S") String retryCycle,
      @DefaultValue("PT24H") Duration approvalTimeout,
      @DefaultValue("PT5S") Duration pollInterval) {}
}
