package io.rebound.runbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Every runbook Rebound runs, by process key. */
@Component
public class Runbooks {

  private final Map<String, Runbook<?>> byKey = new LinkedHashMap<>();

  public Runbooks(List<Runbook<?>> runbooks) {
    for (Runbook<?> runbook : runbooks) {
      if (byKey.put(runbook.key(), runbook) != null) {
        throw new IllegalStateException("two runbooks have the key " + runbook.key());
      }
    }
  }

  /** The runbook that runs as this process key: its own key, or one of its schedules' processes. */
  public Optional<Runbook<?>> find(String key) {
    if (key == null) {
      return Optional.empty();
    }
    Runbook<?> own = byKey.get(key);
    if (own != null) {
      return Optional.of(own);
    }
    return byKey.values().stream().filter(runbook -> runbook.owns(key)).findFirst();
  }

  public Runbook<?> get(String key) {
    return find(key).orElseThrow(() -> new IllegalStateException("no runbook has the key " + key));
  }

  public boolean isRunbook(String key) {
    return find(key).isPresent();
  }

  public List<Runbook<?>> all() {
    return List.copyOf(byKey.values());
  }

  /** Every process key of every runbook (see {@link Runbook#processKeys()}), in registration order. */
  public List<String> keys() {
    return byKey.values().stream().flatMap(runbook -> runbook.processKeys().stream()).distinct().toList();
  }

  /** The runbooks that destroy and so need an approval. */
  public List<Runbook<?>> destructive() {
    return byKey.values().stream().filter(r -> r.approval().isPresent()).toList();
  }

  /** The runbook whose approval task this is, if any. */
  public Optional<Runbook<?>> withApprovalTask(String taskDefinitionKey) {
    return byKey.values().stream()
        .filter(r -> r.approval().map(a -> a.taskId().equals(taskDefinitionKey)).orElse(false))
        .findFirst();
  }
}
