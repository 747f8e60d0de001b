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

  public Optional<Runbook<?>> find(String key) {
    return Optional.ofNullable(key == null ? null : byKey.get(key));
  }

  public Runbook<?> get(String key) {
    return find(key).orElseThrow(() -> new IllegalStateException("no runbook has the key " + key));
  }

  public boolean isRunbook(String key) {
    return key != null && byKey.containsKey(key);
  }

  public List<Runbook<?>> all() {
    return List.copyOf(byKey.values());
  }

  /** The keys of every runbook, in registration order. */
  public List<String> keys() {
    return List.copyOf(byKey.keySet());
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
