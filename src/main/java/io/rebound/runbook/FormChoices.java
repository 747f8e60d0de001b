package io.rebound.runbook;

import java.util.List;
import java.util.Map;

/**
 * Lists a start form offers to pick from, by the name a select field gives in its {@code choices} property
 * ({@code "properties": {"choices": "targets.backups"}}): configuration only (targets, restore profiles,
 * workstations), read when the models and forms are deployed. See {@link StartForms}.
 */
public interface FormChoices {

  /** The lists this source offers, by name. */
  Map<String, List<Choice>> lists();

  /** One option: what the requester reads, and what the form submits. */
  record Choice(String label, String value) {}
}
