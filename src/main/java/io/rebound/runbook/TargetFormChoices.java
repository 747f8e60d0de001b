package io.rebound.runbook;

import io.rebound.target.Target;
import io.rebound.target.TargetCapabilities;
import io.rebound.target.TargetRegistrar;
import io.rebound.target.Targets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The targets a start form offers: {@code targets} (every one: a comparison), {@code targets.schemaRestore} (those
 * with a dump directory) and {@code targets.backups} (those backed up: backups, restores from them, recoveries),
 * by name, each labelled with its dialect.
 */
@Component
class TargetFormChoices implements FormChoices {

  private final Targets targets;
  private final TargetCapabilities capabilities;
  private final ObjectProvider<TargetRegistrar> registrars;

  TargetFormChoices(Targets targets, TargetCapabilities capabilities, ObjectProvider<TargetRegistrar> registrars) {
    this.targets = targets;
    this.capabilities = capabilities;
    this.registrars = registrars;
  }

  @Override
  public Map<String, List<Choice>> lists() {
    // Targets registered by a bean of their own (the demo's) exist once that bean is made.
    registrars.orderedStream().forEach(registrar -> {});
    Map<String, List<Choice>> lists = new LinkedHashMap<>();
    lists.put("targets", those(target -> true));
    lists.put("targets.schemaRestore", those(capabilities::schemaRestore));
    lists.put("targets.backups", those(capabilities::backups));
    return lists;
  }

  private List<Choice> those(Predicate<Target> offered) {
    return targets.all().stream().filter(offered).sorted(Comparator.comparing(Target::name))
        .map(target -> new Choice(target.name() + " (" + target.dialect().name().toLowerCase(Locale.ROOT) + ")", target.name())).toList();
  }
}
