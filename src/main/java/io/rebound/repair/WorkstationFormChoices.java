package io.rebound.repair;

import io.rebound.runbook.FormChoices;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The workstations a repair's start form offers ({@code workstations}), by id. */
@Component
class WorkstationFormChoices implements FormChoices {

  private final ObjectProvider<Workstations> workstations;

  WorkstationFormChoices(ObjectProvider<Workstations> workstations) {
    this.workstations = workstations;
  }

  @Override
  public Map<String, List<Choice>> lists() {
    Workstations known = workstations.getIfAvailable();
    List<Choice> choices = known == null ? List.of() : known.ids().stream().map(id -> new Choice(id, id)).toList();
    return Map.of("workstations", choices);
  }
}
