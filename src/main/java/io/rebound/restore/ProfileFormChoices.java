package io.rebound.restore;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.FormChoices;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The restore profiles a schema restore's start form offers ({@code restoreProfiles}), by name, with the owner each restores. */
@Component
class ProfileFormChoices implements FormChoices {

  private final Map<String, RestoreProfile> profiles;

  ProfileFormChoices(ReboundProperties properties) {
    this.profiles = properties.restoreProfiles();
  }

  @Override
  public Map<String, List<Choice>> lists() {
    List<Choice> choices = profiles.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(profile -> new Choice(profile.getValue().schemaOwner() == null ? profile.getKey()
            : profile.getKey() + " (" + profile.getValue().schemaOwner() + ")", profile.getKey())).toList();
    return Map.of("restoreProfiles", choices);
  }
}
